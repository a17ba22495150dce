import { describe, expect, it } from "vitest";
import {
  cassandraInitialToken,
  findNode,
  minInsyncReplicas,
  nodesOf,
  replicationFactor,
  SINGLE_NODE,
  topologyProblems,
} from "../../../src/servers/topology.js";

const cluster = { ...SINGLE_NODE, kafkaBrokers: 3, cassandraNodes: 3 };

describe("local stack topology", () => {
  it("puts node i on 127.0.0.i, or on 127.0.0.(offset + i) beside another stack", () => {
    expect(nodesOf(cluster).map((n) => `${n.name}@${n.host}`)).toEqual([
      "kafka-1@127.0.0.1",
      "kafka-2@127.0.0.2",
      "kafka-3@127.0.0.3",
      "cassandra-1@127.0.0.1",
      "cassandra-2@127.0.0.2",
      "cassandra-3@127.0.0.3",
    ]);
    const shifted = nodesOf({ ...cluster, loopbackOffset: 10 }, "cassandra");
    expect(shifted.map((n) => n.host)).toEqual(["127.0.0.11", "127.0.0.12", "127.0.0.13"]);
  });

  it("keeps node 1 in the single-node folder so an existing single node stays recognised", () => {
    expect(nodesOf(cluster, "kafka").map((n) => n.dirName)).toEqual([
      "kafka",
      "kafka-2",
      "kafka-3",
    ]);
  });

  it("names nodes kafka-N and cassandra-N; the bare kind only on a single node", () => {
    expect(findNode("kafka", SINGLE_NODE)?.name).toBe("kafka-1");
    expect(findNode("cassandra-1", SINGLE_NODE)?.name).toBe("cassandra-1");
    expect(findNode("kafka", cluster)).toBeUndefined();
    expect(findNode("cassandra-3", cluster)?.host).toBe("127.0.0.3");
    expect(findNode("cassandra-4", cluster)).toBeUndefined();
    expect(findNode("zookeeper-1", cluster)).toBeUndefined();
  });

  it("replicates 3 times with min.insync.replicas 2 on three nodes, once on one", () => {
    expect([1, 2, 3, 5].map(replicationFactor)).toEqual([1, 2, 3, 3]);
    expect([1, 2, 3, 5].map(minInsyncReplicas)).toEqual([1, 1, 2, 2]);
  });

  it("spreads one Cassandra token per node evenly over the Murmur3 ring", () => {
    expect(cassandraInitialToken(1, 1)).toBe("0");
    const tokens = [1, 2, 3].map((i) => BigInt(cassandraInitialToken(i, 3)));
    expect(tokens[0]).toBe(-(2n ** 63n));
    expect(new Set(tokens).size).toBe(3);
    expect((tokens[2] ?? 0n) - (tokens[1] ?? 0n)).toBe((tokens[1] ?? 0n) - (tokens[0] ?? 0n));
  });

  it("rejects node counts and offsets the loopback range cannot hold", () => {
    expect(topologyProblems(cluster)).toEqual([]);
    expect(topologyProblems({ ...cluster, kafkaBrokers: 0 }).join()).toMatch(/--kafka-brokers/);
    expect(topologyProblems({ ...cluster, cassandraNodes: 10 }).join()).toMatch(/1 to 9/);
    expect(topologyProblems({ ...cluster, loopbackOffset: 250 }).join()).toMatch(
      /GEOANOMALY_LOOPBACK_OFFSET/,
    );
  });
});
