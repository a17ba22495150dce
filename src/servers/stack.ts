/**
 * A state folder's stack: the topology it was made with (recorded in topology.json, fixed until
 * `servers reset`), the node definitions it stands for, and the client settings it needs.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { GeoAnomalyError } from "../errors.js";
import { stackAccess, type StackAccess } from "./access.js";
import { cassandraNode } from "./cassandra.js";
import { serverEnvironment } from "./environment.js";
import { kafkaNode } from "./kafka.js";
import { roleEnvFile, topologyFile } from "./paths.js";
import { ROLE_USERS, type RoleName } from "./roles.js";
import { securePaths, type Secrets } from "./secure.js";
import { nodeBasics, type LocalServerDefinition, type NodeFactory } from "./server.js";
import {
  defaultCommitlogSync,
  describeCommitlog,
  describeTopology,
  nodesOf,
  replicationFactor,
  sameCommitlog,
  sameTopology,
  SINGLE_NODE,
  topologyProblems,
  type CommitlogSync,
  type Topology,
  type ServerKind,
} from "./topology.js";

/** What `servers up` was asked for; anything left out comes from the record, then the defaults. */
export interface TopologyRequest {
  readonly kafkaBrokers?: number | undefined;
  readonly cassandraNodes?: number | undefined;
  readonly secure?: boolean | undefined;
  /** Overrides GEOANOMALY_LOOPBACK_OFFSET (tests that run their own stack). */
  readonly loopbackOffset?: number | undefined;
  readonly commitlogSync?: CommitlogSync | undefined;
  readonly concurrentWrites?: number | undefined;
}

/** The record; one written before commit log settings were recorded gets its shape's default. */
export function recordedTopology(root: string): Topology | undefined {
  const file = topologyFile(root);
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(readFileSync(file, "utf8")) as Partial<Topology>;
  const nodes = record.cassandraNodes ?? SINGLE_NODE.cassandraNodes;
  return { ...SINGLE_NODE, commitlogSync: defaultCommitlogSync(nodes), ...record };
}

export function recordTopology(root: string, t: Topology): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(topologyFile(root), `${JSON.stringify(t, null, 2)}\n`);
}

/** The loopback offset GEOANOMALY_LOOPBACK_OFFSET asks for (0 when unset). */
export function envLoopbackOffset(raw = serverEnvironment().loopbackOffset): number {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n)) {
    throw new GeoAnomalyError(
      "CONFIG_INVALID",
      `GEOANOMALY_LOOPBACK_OFFSET = ${JSON.stringify(raw)}: must be a whole number (node i listens on 127.0.0.(offset + i))`,
    );
  }
  return n;
}

/** The stack a command acts on: the recorded one, else a single node at the environment's offset. */
export function currentTopology(root: string): Topology {
  return recordedTopology(root) ?? { ...SINGLE_NODE, loopbackOffset: envLoopbackOffset() };
}

/**
 * The topology `up` should start: the request over the record over the defaults. A request for
 * another shape than the folder already holds is refused: the nodes' data belongs to that shape.
 * The commit log settings are the request's, else the record's, else the shape's default.
 */
export function resolveTopology(
  root: string,
  request: TopologyRequest,
  envOffset = serverEnvironment().loopbackOffset,
): Topology {
  const recorded = recordedTopology(root);
  const base = recorded ?? { ...SINGLE_NODE, loopbackOffset: envLoopbackOffset(envOffset) };
  const cassandraNodes = request.cassandraNodes ?? base.cassandraNodes;
  const wanted: Topology = {
    kafkaBrokers: request.kafkaBrokers ?? base.kafkaBrokers,
    cassandraNodes,
    secure: request.secure ?? base.secure,
    loopbackOffset:
      request.loopbackOffset ??
      (envOffset === undefined ? base.loopbackOffset : envLoopbackOffset(envOffset)),
    commitlogSync:
      request.commitlogSync ?? recorded?.commitlogSync ?? defaultCommitlogSync(cassandraNodes),
    concurrentWrites: request.concurrentWrites ?? base.concurrentWrites,
  };
  const problems = topologyProblems(wanted);
  if (problems.length > 0) throw new GeoAnomalyError("CONFIG_INVALID", problems.join("; "));
  if (recorded !== undefined && !sameTopology(recorded, wanted)) {
    throw new GeoAnomalyError(
      "SERVER_START_FAILED",
      `${root} holds a stack of ${describeTopology(recorded)}; ${describeTopology(wanted)} was asked for. ` +
        "Run 'geoanomaly servers reset' to wipe it first, or use another GEOANOMALY_STATE_DIR.",
    );
  }
  return wanted;
}

/**
 * Why `up` may not apply `wanted`'s commit log settings now, or undefined when it may: a running
 * Cassandra node keeps the settings it was started with, so a change waits until they are down.
 */
export function commitlogChangeProblem(
  recorded: Topology | undefined,
  wanted: Topology,
  runningCassandras: readonly string[],
): string | undefined {
  if (recorded === undefined || sameCommitlog(recorded, wanted) || runningCassandras.length === 0)
    return undefined;
  return (
    `${runningCassandras.join(", ")} run with ${describeCommitlog(recorded)}; ` +
    `${describeCommitlog(wanted)} was asked for. Stop the stack first ('geoanomaly servers down'): ` +
    "a running node keeps the settings it started with."
  );
}

const NODE_KINDS: Readonly<Record<ServerKind, NodeFactory>> = {
  kafka: kafkaNode,
  cassandra: cassandraNode,
};

/** The node definitions of a stack, brokers first. */
export function stackNodes(
  t: Topology,
  root: string,
  access: StackAccess = stackAccess(t, root),
): LocalServerDefinition[] {
  return nodesOf(t).map((n) => {
    const basics = nodeBasics(n, root);
    return { ...basics, ...NODE_KINDS[n.kind](basics, t, root, access) };
  });
}

export interface ClientSetting {
  readonly name: string;
  readonly value: string;
  readonly secret: boolean;
}

/** Each role's login on a secured stack (the schema and API roles have no Kafka login). */
function logins(secrets: Secrets, role: RoleName): { kafka?: string; cassandra: string } {
  switch (role) {
    case "detector":
      return { kafka: secrets.kafkaPassword, cassandra: secrets.cassandraPassword };
    case "admin":
      return { kafka: secrets.adminPassword, cassandra: secrets.adminPassword };
    case "schema":
      return { cassandra: secrets.schemaPassword };
    case "api":
      return { cassandra: secrets.apiPassword };
  }
}

/**
 * The product settings that point it at this stack, with the replication the stack supports;
 * on a secured stack with the login of `role` (the detector's unless asked otherwise).
 */
export function clientSettings(
  t: Topology,
  root: string,
  secrets?: Secrets,
  role: RoleName = "detector",
): ClientSetting[] {
  const nodes = stackNodes(t, root, { secure: false });
  const endpoints = (kind: "kafka" | "cassandra"): string =>
    nodes
      .filter((n) => n.node.kind === kind)
      .map((n) => n.endpoint)
      .join(",");
  const plain = (name: string, value: string): ClientSetting => ({ name, value, secret: false });
  const out = [
    plain("KAFKA_BROKERS", endpoints("kafka")),
    plain("TOPIC_REPLICATION", String(replicationFactor(t.kafkaBrokers))),
    plain("CASSANDRA_CONTACT_POINTS", endpoints("cassandra")),
    plain("CASSANDRA_LOCAL_DC", "datacenter1"),
    plain("CASSANDRA_REPLICATION", `SimpleStrategy:${replicationFactor(t.cassandraNodes)}`),
    plain("CASSANDRA_CONSISTENCY", "localQuorum"),
  ];
  if (t.secure && secrets !== undefined) {
    const ca = securePaths(root).caPem;
    const user = ROLE_USERS[role];
    const login = logins(secrets, role);
    if (login.kafka !== undefined)
      out.push(plain("KAFKA_SASL_MECHANISM", "scram-sha-512"), plain("KAFKA_USERNAME", user), {
        name: "KAFKA_PASSWORD",
        value: login.kafka,
        secret: true,
      });
    out.push(
      plain("KAFKA_TLS", "true"),
      plain("KAFKA_CA_FILE", ca),
      plain("CASSANDRA_USERNAME", user),
      { name: "CASSANDRA_PASSWORD", value: login.cassandra, secret: true },
      plain("CASSANDRA_TLS", "true"),
      plain("CASSANDRA_CA_FILE", ca),
    );
  }
  return out;
}

const ENV_PURPOSE: Readonly<Record<RoleName, string>> = {
  detector: "the detector ('geoanomaly detect'): reads its input, writes its alerts and tables",
  schema: "'geoanomaly schema apply': creates the keyspace and tables",
  api: "the query API ('geoanomaly serve'): reads the tables only",
  admin: "the tools only (topics, ACLs, roles, feeding test events); never the product",
};

/** Writes a role's settings file (readable by the owner only: it holds passwords); returns its path. */
export function writeClientEnv(
  root: string,
  settings: readonly ClientSetting[],
  role: RoleName = "detector",
): string {
  const file = roleEnvFile(root, role);
  const lines = [
    `# Written by 'geoanomaly servers up': the settings that point ${ENV_PURPOSE[role]} at this stack.`,
    "# Load with: set -a; . <this file>; set +a",
    ...settings.map((s) => `${s.name}=${s.value}`),
  ];
  writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  return file;
}
