import { describe, expect, it, onTestFinished } from "vitest";
import { ConsumerLoop } from "../../src/kafka/consumer-loop.js";
import { openDetectorKafka } from "../../src/kafka/detector-clients.js";
import type { BatchHandler, PipelineMetrics } from "../../src/pipeline/ports.js";
import { kafkaFor, produceRaw, testConfig } from "../support/detector.js";
import { createTestTopics } from "../support/helpers.js";
import { waitFor } from "../support/wait.js";

/** Every metric a no-op: this test counts restarts and commits, not checks. */
const metrics = new Proxy({}, { get: () => () => undefined }) as PipelineMetrics;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const RECORDS = 20;

describe("the detector's consumer after a retriable crash", () => {
  it("is restarted by the loop (not kafkajs), keeps its subscription, commits every record and stops", async () => {
    const config = testConfig({ topicPartitions: "1" });
    await createTestTopics(config);
    // The detector's own consumer settings: kafkajs's retries, restarts left to the loop.
    const { clients } = await openDetectorKafka(kafkaFor(config), config);
    const { admin, consumer } = clients;
    onTestFinished(() => admin.disconnect());
    const kafkajsRestarts: boolean[] = [];
    consumer.on(consumer.events.CRASH, (e) => kafkajsRestarts.push(e.payload.restart));

    // The handler fails until the loop has restarted the consumer: kafkajs retries the batch
    // (about 12 s), gives up and crashes; then every record is handled and committed.
    const restarted: string[] = [];
    const fatal: Error[] = [];
    const handled = new Set<string>();
    const handler: BatchHandler = async (records, control) => {
      if (restarted.length === 0) throw new Error("the store failed in a way nobody retries");
      for (const r of records) handled.add(r.offset);
      const last = records[records.length - 1];
      if (last !== undefined) await control.commit(last.offset, []);
      return { doneThrough: last?.offset };
    };
    const loop = new ConsumerLoop({
      consumer,
      topic: config.inputTopic,
      handler,
      deadLetters: { sendUndecodable: () => Promise.resolve() },
      metrics,
      logger: quiet,
      partitionsConcurrently: 1,
      probe: () => Promise.resolve(),
      retry: { initialMs: 100, maxMs: 1000, attempts: 2 },
    });
    loop.watchCrashes({ restarted: (r) => restarted.push(r), fatal: (e) => fatal.push(e) });
    await produceRaw(
      config,
      Array.from({ length: RECORDS }, (_, i) => ({ value: `record ${i}` })),
    );
    await loop.start();

    await waitFor("every record handled after the restart", () => handled.size === RECORDS, 90_000);
    const committed = async (): Promise<string | undefined> => {
      const [topic] = await admin.fetchOffsets({
        groupId: config.groupId,
        topics: [config.inputTopic],
      });
      return topic?.partitions[0]?.offset;
    };
    await waitFor("the offsets committed", async () => (await committed()) === String(RECORDS));
    expect(restarted).toHaveLength(1);
    expect(kafkajsRestarts).toEqual([false]); // kafkajs crashed once and was told not to restart
    expect(fatal).toEqual([]);
    await loop.stop();
  }, 120_000);
});
