/** The local stack as a whole: bring it up, report on it, stop it, wipe it. */
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { GeoAnomalyError } from "../errors.js";
import { stackAccess } from "./access.js";
import { ensureCassandraRoles } from "./cassandra-roles.js";
import { ensureDefaultGrants } from "./grants.js";
import { findJava17, findMaven } from "./java.js";
import { ensureJars } from "./jars.js";
import { withStateLock } from "./lock.js";
import { clientEnvFile, roleEnvFile, stateDir, topologyFile } from "./paths.js";
import {
  busyPort,
  startNodes,
  statusOf,
  stopNode,
  type Reporter,
  type ServerStatus,
  type UpResult,
} from "./node-control.js";
import { runningPid } from "./process.js";
import { ensureCertificates, ensureSecrets, securePaths } from "./secure.js";
import {
  clientSettings,
  commitlogChangeProblem,
  currentTopology,
  recordedTopology,
  recordTopology,
  resolveTopology,
  stackNodes,
  writeClientEnv,
  type TopologyRequest,
} from "./stack.js";
import { nodesOf, SERVER_KINDS, type ServerKind, type Topology } from "./topology.js";

export {
  serverKill,
  serverStart,
  type Reporter,
  type ServerStatus,
  type UpResult,
} from "./node-control.js";

export interface UpSummary {
  readonly topology: Topology;
  readonly nodes: UpResult[];
  /** The product settings for this stack (see client.env). */
  readonly clientEnvFile: string;
  readonly seconds: number;
}

/**
 * Fetches jars on first use, starts whatever node of the stack is not running, and waits until
 * each really answers. `request` shapes a new stack; an existing one keeps its recorded shape.
 */
export async function serversUp(
  report: Reporter = () => undefined,
  root = stateDir(),
  request: TopologyRequest = {},
): Promise<UpSummary> {
  return withStateLock(root, async () => {
    const t0 = Date.now();
    const recorded = recordedTopology(root);
    const topology = resolveTopology(root, request);
    const runningCassandras =
      recorded === undefined
        ? []
        : stackNodes(recorded, root, { secure: false })
            .filter((d) => d.node.kind === "cassandra")
            .filter((d) => runningPid(d.paths.pidFile, d.marker) !== undefined)
            .map((d) => d.node.name);
    const change = commitlogChangeProblem(recorded, topology, runningCassandras);
    if (change !== undefined) throw new GeoAnomalyError("SERVER_START_FAILED", change);
    recordTopology(root, topology);
    let defs = stackNodes(topology, root);
    const toStart = new Set(
      defs
        .filter((d) => runningPid(d.paths.pidFile, d.marker) === undefined)
        .map((d) => d.node.name),
    );
    const fetch = new Map<ServerKind, number>();
    let javaBin = "java";
    if (toStart.size > 0) {
      javaBin = findJava17();
      const mvn = findMaven();
      for (const def of defs.filter((d) => toStart.has(d.node.name))) {
        const busy = await busyPort(def);
        if (busy !== undefined) {
          throw new GeoAnomalyError(
            "SERVER_PORT_BUSY",
            `${def.node.name}: ${def.node.host}:${busy} is already in use by a process this tool did not start. ` +
              "Stop it, point the product at it with KAFKA_BROKERS / CASSANDRA_CONTACT_POINTS, " +
              "or run this stack beside it with GEOANOMALY_LOOPBACK_OFFSET and its own GEOANOMALY_STATE_DIR.",
          );
        }
      }
      for (const kind of SERVER_KINDS) {
        const first = defs.find((d) => d.node.kind === kind && toStart.has(d.node.name));
        if (first === undefined) continue;
        report(`${kind}: checking jars (Maven Central, cached in ~/.m2)...`);
        const fetched = ensureJars(first.paths, mvn, javaBin);
        fetch.set(kind, fetched.seconds);
        report(
          `${kind}: ${fetched.fetched ? `jars fetched in ${fetched.seconds.toFixed(1)} s` : "jars already present"}`,
        );
      }
      if (topology.secure) {
        const secrets = ensureSecrets(root);
        const hosts = [...new Set(nodesOf(topology).map((n) => n.host))];
        const seconds = ensureCertificates(root, hosts, javaBin, secrets);
        if (seconds > 0)
          report(`certificates: CA and keystores made with keytool in ${seconds.toFixed(1)} s`);
        defs = stackNodes(topology, root); // now with the CA in hand
      }
      for (const def of defs.filter((d) => toStart.has(d.node.name))) def.prepare(javaBin);
    }
    const started = await startNodes(defs, toStart, javaBin, report);
    const access = stackAccess(topology, root);
    const firstCassandra = defs.find((d) => d.node.kind === "cassandra");
    if (
      firstCassandra !== undefined &&
      (await ensureCassandraRoles(topology, root, access, firstCassandra.endpoint))
    )
      report("cassandra: admin, schema, detector and API roles set up, default superuser disabled");
    if (topology.secure && !existsSync(securePaths(root).grantsDone)) {
      const granted = await ensureDefaultGrants(root);
      report(
        `grants: detector topics (${granted.createdTopics.join(", ") || "all existed"}) and ACLs, ` +
          `keyspace ${granted.keyspace} for the detector and API roles`,
      );
    }
    const envFile = writeClientEnv(root, clientSettings(topology, root, access.secrets));
    if (topology.secure)
      for (const role of ["schema", "api", "admin"] as const)
        writeClientEnv(root, clientSettings(topology, root, access.secrets, role), role);
    return {
      topology,
      clientEnvFile: envFile,
      seconds: (Date.now() - t0) / 1000,
      nodes: defs.map((def) => {
        const s = started.get(def.node.name);
        return {
          ...statusOf(def, s?.pid),
          started: toStart.has(def.node.name),
          jarFetchSeconds: toStart.has(def.node.name) ? (fetch.get(def.node.kind) ?? 0) : 0,
          readySeconds: s?.readySeconds ?? 0,
        };
      }),
    };
  });
}

/**
 * The truth about each node: its recorded process is alive and a real client request answers;
 * a Cassandra node that answers also says which commit log settings it runs with.
 */
export async function serversStatus(root = stateDir()): Promise<ServerStatus[]> {
  const topology = currentTopology(root);
  return Promise.all(
    stackNodes(topology, root).map(async (def) => {
      const pid = runningPid(def.paths.pidFile, def.marker);
      const base = statusOf(def, pid);
      if (pid === undefined) return base;
      if (!(await def.probe())) return { ...base, state: "not-answering" as const };
      const settings = await def.runningSettings?.();
      return { ...base, state: "up" as const, ...(settings === undefined ? {} : { settings }) };
    }),
  );
}

/** Stops every node `up` started (by recorded pid), all at once, and waits until their ports are free. */
export async function serversDown(
  report: Reporter = () => undefined,
  root = stateDir(),
): Promise<void> {
  await withStateLock(root, async () => {
    await Promise.all(stackNodes(currentTopology(root), root).map((d) => stopNode(d, report)));
  });
}

/** Stops the stack and wipes its data, certificates and record (with `jars`, the jars too). */
export async function serversReset(
  opts: { jars: boolean },
  report: Reporter = () => undefined,
  root = stateDir(),
): Promise<void> {
  await serversDown(report, root);
  await withStateLock(root, () => {
    if (existsSync(root)) {
      for (const entry of readdirSync(root)) {
        if (/^(kafka|cassandra)(-\d+)?$/.test(entry)) {
          rmSync(path.join(root, entry), { recursive: true, force: true });
          report(`${entry}: data wiped`);
        }
      }
    }
    for (const file of [
      topologyFile(root),
      clientEnvFile(root),
      ...(["schema", "api", "admin"] as const).map((role) => roleEnvFile(root, role)),
      path.join(root, "kafka-cluster.id"),
      securePaths(root).dir,
    ])
      rmSync(file, { recursive: true, force: true });
    if (opts.jars)
      for (const kind of SERVER_KINDS)
        rmSync(path.join(root, "lib", kind), { recursive: true, force: true });
    return Promise.resolve();
  });
}
