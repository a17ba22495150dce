import { describe, expect, it } from "vitest";
import { Partitioners } from "kafkajs";
import {
  cassandraClient,
  createKeyspace,
  createTopics,
  kafkaClient,
  uniqueName,
} from "../support/helpers.js";

describe("real Kafka", () => {
  it("delivers a produced message to a consumer group", async () => {
    const topic = uniqueName("roundtrip");
    await createTopics([topic]);
    const kafka = kafkaClient();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const payload = `hello ${topic}`;
    await producer.send({ topic, messages: [{ key: "k", value: payload }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName("group") });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<string>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          resolve(message.value?.toString() ?? "");
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(received).toBe(payload);
  });
});

describe("real Cassandra", () => {
  it("writes and reads back a row", async () => {
    const keyspace = await createKeyspace();
    const client = await cassandraClient();
    await client.execute(`CREATE TABLE ${keyspace}.t (k text PRIMARY KEY, v double)`);
    await client.execute(`INSERT INTO ${keyspace}.t (k, v) VALUES (?, ?)`, ["a", 1.5], {
      prepare: true,
    });
    const rs = await client.execute(`SELECT k, v FROM ${keyspace}.t WHERE k = ?`, ["a"], {
      prepare: true,
    });
    expect(rs.rows.map((r) => [r["k"] as string, r["v"] as number])).toEqual([["a", 1.5]]);
    const version = await client.execute("SELECT release_version FROM system.local");
    expect(String(version.first()["release_version"])).toMatch(/^5\.0\./);
  });
});
