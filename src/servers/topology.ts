/**
 * The shape of a local stack, as pure data: how many Kafka brokers and Cassandra nodes, whether
 * they require credentials and TLS, and which loopback addresses they use. Node i of a kind
 * listens on 127.0.0.(offset + i) with the usual ports, so every node of a stack has its own
 * address and a second stack can run beside the first with another offset.
 */
export type ServerKind = "kafka" | "cassandra";

export const SERVER_KINDS: readonly ServerKind[] = ["kafka", "cassandra"];

export interface Topology {
  readonly kafkaBrokers: number;
  readonly cassandraNodes: number;
  readonly secure: boolean;
  /** Added to the last byte of 127.0.0.i; 0 puts node i on 127.0.0.i. */
  readonly loopbackOffset: number;
}

export const SINGLE_NODE: Topology = {
  kafkaBrokers: 1,
  cassandraNodes: 1,
  secure: false,
  loopbackOffset: 0,
};

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
