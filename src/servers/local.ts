import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { GeoAnomalyError } from "../errors.js";
import { stackAccess } from "./access.js";
import { ensureCassandraRoles } from "./cassandra-roles.js";
import { ensureDefaultGrants } from "./grants.js";
import { findJava17, findMaven } from "./java.js";
import { ensureJars } from "./jars.js";
import { withStateLock } from "./lock.js";
import { clientEnvFile, roleEnvFile, stateDir, topologyFile } from "./paths.js";
import {
  portOpen,
  residentMiB,
  runningPid,
  startDetached,
  stopProcess,
  tailFile,
  waitPortsClosed,
} from "./process.js";
import { ensureCertificates, ensureSecrets, securePaths } from "./secure.js";
import type { LocalServerDefinition } from "./server.js";
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
import { findNode, nodesOf, SERVER_KINDS, type ServerKind, type Topology } from "./topology.js";

export interface ServerStatus {
  /** The node's name, e.g. kafka-1 or cassandra-3. */
  readonly name: string;
  readonly kind: ServerKind;
  readonly state: "up" | "not-answering" | "down";
  readonly pid?: number;
  readonly rssMiB?: number;
  readonly endpoint: string;
  readonly logFile: string;
  /** A running Cassandra node's commit log settings, as the node itself reports them. */
  readonly settings?: string;
}

export interface UpResult extends ServerStatus {
  /** True when this call started the node; false when it was already running. */
  readonly started: boolean;
  readonly jarFetchSeconds: number;
  /** Seconds from this node's start until it answered (0 when it was already running). */
  readonly readySeconds: number;
}

/** Progress lines for people; the CLI prints them, tests may discard them. */
export type Reporter = (line: string) => void;

export interface UpSummary {
  readonly topology: Topology;
  readonly nodes: UpResult[];
  /** The product settings for this stack (see client.env). */
  readonly clientEnvFile: string;
  readonly seconds: number;
}

function statusOf(def: LocalServerDefinition, pid: number | undefined): ServerStatus {
  const rss = pid === undefined ? undefined : residentMiB(pid);
  return {
    name: def.node.name,
    kind: def.node.kind,
    state: pid === undefined ? "down" : "up",
    ...(pid === undefined ? {} : { pid }),
    ...(rss === undefined ? {} : { rssMiB: rss }),
    endpoint: def.endpoint,
    logFile: def.logFile,
  };
}

async function busyPort(def: LocalServerDefinition): Promise<number | undefined> {
  for (const port of def.ports) if (await portOpen(def.node.host, port, 500)) return port;
  return undefined;
}

async function waitReady(def: LocalServerDefinition): Promise<number> {
  const deadline = Date.now() + def.readyTimeoutMs;
  for (;;) {
    const pid = runningPid(def.paths.pidFile, def.marker);
    if (pid === undefined) {
      throw new GeoAnomalyError(
        "SERVER_START_FAILED",
        `${def.node.name} exited during start. Last lines of ${def.logFile}:\n` +
          `${tailFile(def.logFile)}\n--- console (${def.paths.console}):\n${tailFile(def.paths.console, 15)}`,
      );
    }
    if (await def.probe()) return pid;
    if (Date.now() > deadline) {
      throw new GeoAnomalyError(
        "SERVER_START_FAILED",
        `${def.node.name} (pid ${pid}) did not answer within ${def.readyTimeoutMs / 1000} s. ` +
          `Last lines of ${def.logFile}:\n${tailFile(def.logFile)}`,
      );
    }
    await sleep(1000);
  }
}

/**
 * Starts the given nodes (the others are only waited for): brokers all at once, since a KRaft
 * controller quorum needs a majority of its voters; Cassandra nodes one after another, each
 * joining once the one before it answers.
 */
async function startNodes(
  defs: readonly LocalServerDefinition[],
  toStart: ReadonlySet<string>,
  javaBin: string,
  report: Reporter,
): Promise<Map<string, { pid: number; readySeconds: number }>> {
  const out = new Map<string, { pid: number; readySeconds: number }>();
  const launch = async (def: LocalServerDefinition): Promise<void> => {
    const t0 = Date.now();
    const starting = toStart.has(def.node.name);
    if (starting) {
      const pid = startDetached(def.command(javaBin));
      report(
        `${def.node.name}: started pid ${pid} on ${def.node.host}, waiting until it answers...`,
      );
    }
    const pid = await waitReady(def);
    const readySeconds = starting ? (Date.now() - t0) / 1000 : 0;
    out.set(def.node.name, { pid, readySeconds });
    report(
      starting
        ? `${def.node.name}: ready at ${def.endpoint} after ${readySeconds.toFixed(1)} s`
        : `${def.node.name}: already running (pid ${pid}) at ${def.endpoint}`,
    );
  };
  const brokers = defs.filter((d) => d.node.kind === "kafka");
  const cassandras = defs.filter((d) => d.node.kind === "cassandra");
  await Promise.all([
    Promise.all(brokers.map(launch)),
    (async () => {
      for (const def of cassandras) await launch(def);
    })(),
  ]);
  return out;
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

async function stopNode(def: LocalServerDefinition, report: Reporter): Promise<void> {
  const pid = runningPid(def.paths.pidFile, def.marker);
  if (pid === undefined) {
    report(`${def.node.name}: not running`);
    return;
  }
  const how = await stopProcess(pid, def.marker, 45_000);
  rmSync(def.paths.pidFile, { force: true });
  const free = await waitPortsClosed(def.node.host, def.ports, 30_000);
  report(
    `${def.node.name}: stopped pid ${pid} (${how})${free ? "" : `; port still busy: ${def.ports.join(",")}`}`,
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

function nodeOrThrow(name: string, root: string): LocalServerDefinition {
  const topology = currentTopology(root);
  const node = findNode(name, topology);
  const defs = stackNodes(topology, root);
  const def = node === undefined ? undefined : defs.find((d) => d.node.name === node.name);
  if (def === undefined) {
    const names = defs.map((d) => d.node.name);
    throw new GeoAnomalyError(
      "CONFIG_INVALID",
      `no node named ${JSON.stringify(name)} in this stack; its nodes are ${names.join(", ")}`,
    );
  }
  return def;
}

/** SIGKILL of one node, for fault injection: no shutdown hooks, no flush, no handover. */
export async function serverKill(
  name: string,
  report: Reporter = () => undefined,
  root = stateDir(),
): Promise<void> {
  const def = nodeOrThrow(name, root);
  await withStateLock(root, async () => {
    const pid = runningPid(def.paths.pidFile, def.marker);
    if (pid === undefined) {
      report(`${def.node.name}: not running`);
      return;
    }
    process.kill(pid, "SIGKILL");
    while (runningPid(def.paths.pidFile, def.marker) !== undefined) await sleep(50);
    rmSync(def.paths.pidFile, { force: true });
    report(`${def.node.name}: killed pid ${pid} (SIGKILL)`);
  });
}

/** Starts one node of the recorded stack (a no-op when it runs) and waits until it answers. */
export async function serverStart(
  name: string,
  report: Reporter = () => undefined,
  root = stateDir(),
): Promise<UpResult> {
  const def = nodeOrThrow(name, root);
  return withStateLock(root, async () => {
    const running = runningPid(def.paths.pidFile, def.marker) !== undefined;
    const javaBin = running ? "java" : findJava17();
    if (!running) {
      const busy = await busyPort(def);
      if (busy !== undefined) {
        throw new GeoAnomalyError(
          "SERVER_PORT_BUSY",
          `${def.node.name}: ${def.node.host}:${busy} is already in use by a process this tool did not start.`,
        );
      }
      def.prepare(javaBin);
    }
    const started = await startNodes(
      [def],
      new Set(running ? [] : [def.node.name]),
      javaBin,
      report,
    );
    const s = started.get(def.node.name);
    return {
      ...statusOf(def, s?.pid),
      started: !running,
      jarFetchSeconds: 0,
      readySeconds: s?.readySeconds ?? 0,
    };
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
