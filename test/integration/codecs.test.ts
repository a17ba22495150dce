import kafkajs, { CompressionTypes } from "kafkajs";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { DLQ_HEADERS } from "../../src/kafka/dead-letter-sink.js";
import { consoleProduce, type JavaCodec } from "../support/console-producer.js";
import { collectTopic, kafkaFor, startTestDetector, testConfig } from "../support/detector.js";
import { counter, waitFor } from "../support/wait.js";
import { eventsAt } from "../support/events.js";
import { cassandraClient, createTestTopics } from "../support/helpers.js";
import type { Config } from "../../src/config/load.js";

type Codec = {
  compress(e: { buffer: Buffer }): Promise<Buffer>;
  decompress(b: Buffer): Promise<Buffer>;
};

async function storedIds(config: Config): Promise<string[]> {
  const client = await cassandraClient(config.cassandraKeyspace);
  const rows = await client.execute("SELECT id FROM events_l8");
  return rows.rows.map((r) => r["id"] as string).sort();
}

function lines(prefix: string, lat: number, count: number): string[] {
  return eventsAt(prefix, lat, 20, count).map((e) => JSON.stringify(e));
}

/**
 * Produces a gzip batch the broker accepts (its Java decoder, like java.util.zip, ignores bytes
 * after the gzip trailer) but the detector's zlib cannot decode: the shape of a batch written by a
 * producer whose compression library differs from the consumer's. The test process shares kafkajs
 * with the detector, so only compression is swapped, and only for this send.
 */
async function produceUndecodableGzip(config: Config, values: readonly string[]): Promise<void> {
  const registry = kafkajs.CompressionCodecs as unknown as Record<number, () => Codec>;
  const product = registry[CompressionTypes.GZIP];
  if (product === undefined) throw new Error("no gzip codec registered");
  registry[CompressionTypes.GZIP] = () => ({
    compress: (e) =>
      Promise.resolve(
        Buffer.concat([zlib.gzipSync(e.buffer), Buffer.from("junk after the trailer")]),
      ),
    decompress: (b) => product().decompress(b),
  });
  const producer = kafkaFor(config).producer();
  await producer.connect();
  try {
    await producer.send({
      topic: config.inputTopic,
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages: values.map((value) => ({ value })),
    });
  } finally {
    registry[CompressionTypes.GZIP] = product;
    await producer.disconnect();
  }
}

describe("Kafka input from any producer", () => {
  it("stores every event of batches Kafka's Java producer compressed with gzip, snappy, lz4 and zstd", async () => {
    const config = testConfig({ topicPartitions: "1" });
    await createTestTopics(config);
    const app = await startTestDetector(config);
    const codecs: JavaCodec[] = ["gzip", "snappy", "lz4", "zstd"];
    const expected: string[] = [];
    for (const [i, codec] of codecs.entries()) {
      const batch = lines(codec, 10 + i, 150);
      expected.push(...batch.map((l) => (JSON.parse(l) as { id: string }).id));
      await consoleProduce(config.kafkaBrokers, config.inputTopic, codec, batch);
    }
    await waitFor(
      "600 events stored",
      async () => (await counter(app, "geoanomaly_events_stored_total")) >= 600,
      180_000,
    );
    expect(await storedIds(config)).toEqual(expected.sort());
    expect(await counter(app, "geoanomaly_dead_letters_total")).toBe(0);
    expect(app.health().live).toBe(true);
  });

  it("dead-letters a batch it cannot decode as one offset range and stores the events after it", async () => {
    const config = testConfig({ topicPartitions: "1" });
    await createTestTopics(config);
    const app = await startTestDetector(config);
    const dead = await collectTopic(config, config.deadLetterTopic);
    const before = lines("before", 30, 20);
    const lost = lines("lost", 31, 10);
    const after = lines("after", 32, 20);
    await consoleProduce(config.kafkaBrokers, config.inputTopic, "snappy", before); // offsets 0-19
    await produceUndecodableGzip(config, lost); // offsets 20-29
    await consoleProduce(config.kafkaBrokers, config.inputTopic, "zstd", after); // offsets 30-49

    await waitFor("the dead letter", () => dead.length >= 1, 120_000);
    await waitFor(
      "40 events stored",
      async () => (await counter(app, "geoanomaly_events_stored_total")) >= 40,
      120_000,
    );
    const ids = await storedIds(config);
    expect(ids).toHaveLength(40);
    expect(ids.some((id) => id.startsWith("lost"))).toBe(false);

    expect(dead).toHaveLength(1);
    const letter = dead[0];
    const h = (name: string): string | undefined => letter?.headers?.[name]?.toString();
    expect(h(DLQ_HEADERS.reason)).toBe("undecodable_batch");
    expect(h(DLQ_HEADERS.topic)).toBe(config.inputTopic);
    expect(h(DLQ_HEADERS.partition)).toBe("0");
    expect([h(DLQ_HEADERS.offset), h(DLQ_HEADERS.lastOffset)]).toEqual(["20", "29"]);
    expect(h(DLQ_HEADERS.records)).toBe("10");
    expect(h(DLQ_HEADERS.codec)).toBe("gzip");
    expect(h(DLQ_HEADERS.detail)).toMatch(/^gzip batch could not be decoded: /);
    // The dead letter holds the batch's compressed bytes (they fit): the gzip member, then the junk.
    expect(letter?.value?.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(letter?.value?.subarray(-22).toString()).toBe("junk after the trailer");
    expect(h(DLQ_HEADERS.originalSize)).toBe(String(letter?.value?.length));
    const metric = app.metrics.registry.getSingleMetric("geoanomaly_dead_letters_total");
    const values = (await metric?.get())?.values ?? [];
    expect(values.find((v) => v.labels["reason"] === "undecodable_batch")?.value).toBe(1);

    // Committed past the whole topic: a restart does not meet the batch again.
    const admin = kafkaFor(config).admin();
    await admin.connect();
    try {
      await waitFor("offset 50 committed", async () => {
        const [topic] = await admin.fetchOffsets({
          groupId: config.groupId,
          topics: [config.inputTopic],
        });
        return topic?.partitions[0]?.offset === "50";
      });
    } finally {
      await admin.disconnect();
    }
    expect(app.health().live).toBe(true);
  });
});
