import type { Admin, ITopicConfig, Kafka } from "kafkajs";
import { describe, expect, it } from "vitest";
import { ensureTopics, ensureTopicsOn, waitForLeaders } from "../../../src/kafka/topics.js";

interface FakeAdmin {
  readonly admin: Admin;
  readonly created: ITopicConfig[][];
  readonly calls: string[];
}

/**
 * A fake admin at the port boundary: `existing` topics listed; created topics get a leader after
 * `leaderAfter` metadata requests, and the metadata answers `metadataErrors` first.
 */
function fakeAdmin(existing: string[], leaderAfter = 0, metadataErrors: Error[] = []): FakeAdmin {
  const created: ITopicConfig[][] = [];
  const calls: string[] = [];
  let asked = 0;
  const admin = {
    connect: () => (calls.push("connect"), Promise.resolve()),
    disconnect: () => (calls.push("disconnect"), Promise.resolve()),
    listTopics: () => (calls.push("listTopics"), Promise.resolve([...existing])),
    createTopics: (opts: { topics: ITopicConfig[]; waitForLeaders?: boolean }) => {
      calls.push(`createTopics(waitForLeaders=${String(opts.waitForLeaders)})`);
      created.push(opts.topics);
      return Promise.resolve(true);
    },
    fetchTopicMetadata: ({ topics }: { topics: string[] }) => {
      calls.push("fetchTopicMetadata");
      const error = metadataErrors.shift();
      if (error !== undefined) return Promise.reject(error);
      const leader = asked++ >= leaderAfter ? 1 : -1;
      return Promise.resolve({
        topics: topics.map((name) => ({
          name,
          partitions: [{ partitionId: 0, leader, replicas: [1], isr: [1], partitionErrorCode: 0 }],
        })),
      });
    },
  } as unknown as Admin;
  return { admin, created, calls };
}

describe("the topic helper", () => {
  it("creates only the missing topics, with their partitions and the replication asked", async () => {
    const fake = fakeAdmin(["in"]);
    const created = await ensureTopics(
      fake.admin,
      [
        { topic: "in", partitions: 6 },
        { topic: "alerts", partitions: 6 },
        { topic: "dlq", partitions: 2 },
      ],
      3,
    );
    expect(created).toEqual(["alerts", "dlq"]);
    expect(fake.created).toEqual([
      [
        { topic: "alerts", numPartitions: 6, replicationFactor: 3 },
        { topic: "dlq", numPartitions: 2, replicationFactor: 3 },
      ],
    ]);
  });

  it("returns only once every new partition has a leader, retrying a broker that lags", async () => {
    const lagging = Object.assign(new Error("This server does not host this topic-partition"), {
      retriable: true,
    });
    const fake = fakeAdmin([], 1, [lagging]);
    await expect(ensureTopics(fake.admin, [{ topic: "t", partitions: 1 }], 1)).resolves.toEqual([
      "t",
    ]);
    expect(fake.calls.filter((c) => c === "fetchTopicMetadata")).toHaveLength(3);
  });

  it("passes on a metadata failure that is not retriable", async () => {
    const broken = new Error("cluster authorization failed");
    await expect(waitForLeaders(fakeAdmin([], 0, [broken]).admin, ["t"])).rejects.toBe(broken);
  });

  it("opens an admin for the call and closes it, also when creation fails", async () => {
    const fake = fakeAdmin([]);
    const kafka = { admin: () => fake.admin } as unknown as Kafka;
    await ensureTopicsOn(kafka, [{ topic: "t", partitions: 2 }], 1);
    expect(fake.calls[0]).toBe("connect");
    expect(fake.calls.at(-1)).toBe("disconnect");
    expect(fake.calls).toContain("createTopics(waitForLeaders=false)");

    const failing = fakeAdmin([]);
    const refusal = new Error("broker down");
    const admin = { ...failing.admin, listTopics: () => Promise.reject(refusal) };
    await expect(
      ensureTopicsOn(
        { admin: () => admin } as unknown as Kafka,
        [{ topic: "t", partitions: 1 }],
        1,
      ),
    ).rejects.toBe(refusal);
    expect(failing.calls).toEqual(["connect", "disconnect"]);
  });
});
