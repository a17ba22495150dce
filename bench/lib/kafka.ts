/**
 * The load generator's Kafka side: topics of one row, a paced or backlog-bounded feed built on
 * src/synthetic's runFeed, and a collector of the alert topic's event ids.
 */
import { SingleBar } from "cli-progress";
import { Kafka, Partitioners, logLevel, type Producer } from "kafkajs";
import { runFeed } from "../../src/synthetic/index.js";
import type { BenchEvent } from "./data.js";

export function benchKafka(brokers: readonly string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.ERROR });
}

export async function createTopics(
  kafka: Kafka,
  topics: readonly string[],
  partitions: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] });
  } finally {
    await admin.disconnect();
  }
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

export interface FeedPlan {
  readonly label: string;
  readonly next: () => BenchEvent;
  /** Messages per second; undefined: as fast as the pipeline takes (see `maxBacklog`). */
  readonly rate?: number;
  readonly count?: number;
  readonly durationMs?: number;
  /** With no rate: wait while produced - checked(). */
  readonly maxBacklog?: number | (() => number);
  readonly checked?: () => number;
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Produces per `plan` with a progress bar (rate and completion); resolves with what was sent. */
export async function feed(producer: Producer, topic: string, plan: FeedPlan): Promise<number> {
  const signal = plan.durationMs === undefined ? undefined : AbortSignal.timeout(plan.durationMs);
  const bar = new SingleBar({
    format: `${plan.label.padEnd(30)} {bar} {percentage}% | {value}/{total} {unit} | {rate} ev/s`,
    hideCursor: true,
  });
  const total = plan.count ?? Math.round((plan.durationMs ?? 0) / 1000);
  const start = performance.now();
  bar.start(total, 0, { rate: 0, unit: plan.count === undefined ? "s" : "events" });
  const progress = (sent: number): void => {
    const elapsedMs = performance.now() - start;
    const value = plan.count === undefined ? Math.min(total, Math.floor(elapsedMs / 1000)) : sent;
    bar.update(value, { rate: Math.round(sent / Math.max(0.001, elapsedMs / 1000)) });
  };
  const send = (batch: BenchEvent[]): Promise<unknown> =>
    producer.send({
      topic,
      acks: -1,
      messages: batch.map((e) => ({ key: e.key, value: e.value })),
    });
  let sent = 0;
  if (plan.rate !== undefined || plan.checked === undefined) {
    // Paced (or unbounded) feed: src/synthetic's token bucket.
    const result = await runFeed({
      send: async (messages) => {
        await producer.send({ topic, acks: -1, messages });
      },
      next: () => {
        const e = plan.next();
        return { key: e.key, value: e.value };
      },
      count: plan.count,
      rate: plan.rate,
      batchSize: 200,
      signal,
      onProgress: progress,
    });
    sent = result.sent;
  } else {
    // As fast as the pipeline takes: wait for the backlog *before* stamping events with a time.
    const checked = plan.checked;
    const cap = plan.maxBacklog ?? 5_000;
    const limit = (): number => (typeof cap === "number" ? cap : cap());
    while (signal?.aborted !== true && (plan.count === undefined || sent < plan.count)) {
      if (sent - checked() > limit()) {
        await pause(10);
        continue;
      }
      const n = Math.min(200, (plan.count ?? Infinity) - sent);
      await send(Array.from({ length: n }, () => plan.next()));
      sent += n;
      progress(sent);
    }
  }
  bar.update(total);
  bar.stop();
  return sent;
}

/** Event ids of every alert on a topic, collected in the background from the beginning. */
export interface AlertCollector {
  readonly ids: Set<string>;
  stop(): Promise<void>;
}

export async function collectAlerts(
  kafka: Kafka,
  topic: string,
  groupId: string,
): Promise<AlertCollector> {
  const ids = new Set<string>();
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      try {
        const alert = JSON.parse(message.value?.toString("utf8") ?? "{}") as {
          event?: { id?: string };
        };
        if (typeof alert.event?.id === "string") ids.add(alert.event.id);
      } catch {
        // Not an alert: ignored.
      }
      return Promise.resolve();
    },
  });
  return { ids, stop: () => consumer.disconnect() };
}
