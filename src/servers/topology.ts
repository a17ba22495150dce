/**
 * The shape of a local stack, as pure data: how many Kafka brokers and Cassandra nodes, whether
 * they require credentials and TLS, and which loopback addresses they use. Node i of a kind
 * listens on 127.0.0.(offset + i) with the usual ports, so every node of a stack has its own
 * address and a second stack can run beside the first with another offset.
 */
export type ServerKind = "kafka" | "cassandra";

/**
 * When a Cassandra node acknowledges a write: `group` after the commit log is synced (within a
 * 2 ms window), `periodic` at once, syncing every 10 s. A SIGKILLed node replays only what was
 * synced, so under `periodic` it forgets up to 10 s of acknowledged writes; on a cluster with
 * RF 3 and LOCAL_QUORUM the other replicas still hold them (bench/commitlog/REPORT.md).
 */
export type CommitlogSync = "group" | "periodic";

export const COMMITLOG_SYNCS: readonly CommitlogSync[] = ["group", "periodic"];

/** The group window: a sync takes well under a millisecond here, so a short wait is enough. */
export const COMMITLOG_GROUP_WINDOW_MS = 2;

/** Cassandra's default period, and so the most acknowledged writes a killed node forgets. */
export const COMMITLOG_SYNC_PERIOD_MS = 10_000;

export const SERVER_KINDS: readonly ServerKind[] = ["kafka", "cassandra"];

export interface Topology {
  readonly kafkaBrokers: number;
  readonly cassandraNodes: number;
  readonly secure: boolean;
  /** Added to the last byte of 127.0.0.i; 0 puts node i on 127.0.0.i. */
  readonly loopbackOffset: number;
  /** The Cassandra nodes' commit log mode; may change while they are stopped. */
  readonly commitlogSync: CommitlogSync;
  /** Cassandra's mutation threads (`concurrent_writes`); may change while they are stopped. */
  readonly concurrentWrites: number;
}

/** Cassandra's own default; in group mode it also bounds the writes waiting for one sync. */
export const DEFAULT_CONCURRENT_WRITES = 32;

/**
 * The commit log mode a stack gets unless asked otherwise: `group` where one node is the only
 * copy (a SIGKILL must not lose an acknowledged write), `periodic` where every write is
 * acknowledged by a quorum of replicas, which keep it when one of them is killed.
 */
export function defaultCommitlogSync(cassandraNodes: number): CommitlogSync {
  return replicationFactor(cassandraNodes) >= 3 ? "periodic" : "group";
}

export const SINGLE_NODE: Topology = {
  kafkaBrokers: 1,
  cassandraNodes: 1,
  secure: false,
  loopbackOffset: 0,
  commitlogSync: "group",
  concurrentWrites: DEFAULT_CONCURRENT_WRITES,
};

/** Most mutation threads a node may be given (each is a thread and a stack). */
export const MAX_CONCURRENT_WRITES = 1024;

/** Most nodes of one kind: the loopback addresses must stay below 127.0.0.255. */
export const MAX_NODES = 9;

/** One node of a stack: `kafka-2` is broker 2 on 127.0.0.(offset + 2). */
export interface NodeRef {
  readonly kind: ServerKind;
  /** 1-based. */
  readonly index: number;
  readonly name: string;
  readonly host: string;
  /** Its folder in the state directory: node 1 keeps the single-node folder name. */
  readonly dirName: string;
}

export function nodeHost(index: number, loopbackOffset: number): string {
  return `127.0.0.${loopbackOffset + index}`;
}

export function nodeCount(t: Topology, kind: ServerKind): number {
  return kind === "kafka" ? t.kafkaBrokers : t.cassandraNodes;
}

export function nodeRef(kind: ServerKind, index: number, t: Topology): NodeRef {
  return {
    kind,
    index,
    name: `${kind}-${index}`,
    host: nodeHost(index, t.loopbackOffset),
    dirName: index === 1 ? kind : `${kind}-${index}`,
  };
}

/** Every node of the stack: the brokers, then the Cassandra nodes, each in index order. */
export function nodesOf(t: Topology, kind?: ServerKind): NodeRef[] {
  const kinds = kind === undefined ? SERVER_KINDS : [kind];
  return kinds.flatMap((k) =>
    Array.from({ length: nodeCount(t, k) }, (_, i) => nodeRef(k, i + 1, t)),
  );
}

/** Checks the numbers a person typed; returns the problems, empty when the topology is usable. */
export function topologyProblems(t: Topology): string[] {
  const problems: string[] = [];
  for (const [what, n] of [
    ["--kafka-brokers", t.kafkaBrokers],
    ["--cassandra-nodes", t.cassandraNodes],
  ] as const) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_NODES)
      problems.push(`${what} must be a whole number from 1 to ${MAX_NODES}, got ${n}`);
  }
  if (!COMMITLOG_SYNCS.includes(t.commitlogSync))
    problems.push(`--commitlog must be ${COMMITLOG_SYNCS.join(" or ")}, got ${t.commitlogSync}`);
  const w = t.concurrentWrites;
  if (!Number.isInteger(w) || w < 1 || w > MAX_CONCURRENT_WRITES)
    problems.push(
      `--concurrent-writes must be a whole number from 1 to ${MAX_CONCURRENT_WRITES}, got ${w}`,
    );
  const o = t.loopbackOffset;
  if (!Number.isInteger(o) || o < 0 || o + MAX_NODES > 254)
    problems.push(
      `GEOANOMALY_LOOPBACK_OFFSET must be a whole number from 0 to ${254 - MAX_NODES}, got ${o}`,
    );
  return problems;
}

/**
 * The node a name stands for: `kafka-2`, `cassandra-1`, and on a single-node kind also `kafka`
 * or `cassandra`. Undefined when the stack has no such node.
 */
export function findNode(name: string, t: Topology): NodeRef | undefined {
  const bare = /^(kafka|cassandra)$/.exec(name);
  if (bare !== null) {
    const kind = bare[1] as ServerKind;
    return nodeCount(t, kind) === 1 ? nodeRef(kind, 1, t) : undefined;
  }
  const m = /^(kafka|cassandra)-(\d+)$/.exec(name);
  if (m === null) return undefined;
  const kind = m[1] as ServerKind;
  const index = Number(m[2]);
  return index >= 1 && index <= nodeCount(t, kind) ? nodeRef(kind, index, t) : undefined;
}

/** Replication a stack supports: 3 copies where there are 3 nodes, fewer on smaller stacks. */
export function replicationFactor(nodes: number): number {
  return Math.min(3, nodes);
}

/** Kafka's min.insync.replicas for a broker count: 2 once there are 3 copies, else 1. */
export function minInsyncReplicas(brokers: number): number {
  return replicationFactor(brokers) >= 3 ? 2 : 1;
}

/**
 * Evenly spaced Murmur3 tokens, one per node (num_tokens 1): node i of n owns the range ending at
 * -2^63 + (i - 1) * 2^64 / n. A single node gets token 0, as before.
 */
export function cassandraInitialToken(index: number, nodes: number): string {
  if (nodes === 1) return "0";
  const span = 2n ** 64n / BigInt(nodes);
  return (-(2n ** 63n) + BigInt(index - 1) * span).toString();
}

/** True when both ask for the same commit log mode and mutation threads. */
export function sameCommitlog(a: Topology, b: Topology): boolean {
  return a.commitlogSync === b.commitlogSync && a.concurrentWrites === b.concurrentWrites;
}

/** Compares the shape only: the data belongs to it (the commit log settings may change). */
export function sameTopology(a: Topology, b: Topology): boolean {
  return (
    a.kafkaBrokers === b.kafkaBrokers &&
    a.cassandraNodes === b.cassandraNodes &&
    a.secure === b.secure &&
    a.loopbackOffset === b.loopbackOffset
  );
}

export function describeTopology(t: Topology): string {
  const first = nodeHost(1, t.loopbackOffset);
  return (
    `${t.kafkaBrokers} Kafka broker(s), ${t.cassandraNodes} Cassandra node(s)` +
    `${t.secure ? ", secured (SASL/SCRAM + TLS, password authentication + TLS)" : ""}, from ${first}`
  );
}

/** E.g. "commit log group (2 ms window), concurrent_writes 32", for `status` and `up`. */
export function describeCommitlog(t: Pick<Topology, "commitlogSync" | "concurrentWrites">): string {
  const mode =
    t.commitlogSync === "group"
      ? `group (acknowledged after a sync, ${COMMITLOG_GROUP_WINDOW_MS} ms window)`
      : `periodic (acknowledged at once, synced every ${COMMITLOG_SYNC_PERIOD_MS / 1000} s)`;
  return `commit log ${mode}, concurrent_writes ${t.concurrentWrites}`;
}
