/**
 * The load generator's Kafka side: topics and groups of one row, an open-loop paced feed and a
 * backlog-bounded one for warm-ups, and a collector of the alert topic's event ids.
 */
import { SingleBar } from "cli-progress";
import { Kafka, Partitioners, logLevel, type Producer } from "kafkajs";
import { ensureTopicsOn } from "../../src/kafka/topics.js";
import type { BenchEvent } from "./data.js";
import { pacedFeed, type PacedFeedResult, type PacedMessage } from "./paced-feed.js";

export function benchKafka(brokers: readonly string[], clientId: string): Kafka {
  // Silent: a group forming or a broker slow under load makes kafkajs log errors it retries
  // itself; a failure that matters reaches the harness as a rejected call.
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING });
}

export async function createTopics(
  kafka: Kafka,
  topics: readonly string[],
  partitions: number,
): Promise<void> {
  await ensureTopicsOn(
    kafka,
    topics.map((topic) => ({ topic, partitions })),
    1,
  );
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

/** Deletes consumer groups (best effort: a group with members left, or none at all, is skipped). */
export async function deleteGroups(kafka: Kafka, groups: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups([...groups]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

/** A progress bar of one feed: the label, completion, and the rate so far. */
function progressBar(
  label: string,
  total: number,
  unit: string,
): {
  update: (sent: number, value: number, elapsedMs: number) => void;
  stop: () => void;
} {
  const bar = new SingleBar({
    format: `${label.padEnd(30)} {bar} {percentage}% | {value}/{total} {unit} | {rate} ev/s`,
    hideCursor: true,
  });
  bar.start(total, 0, { rate: 0, unit });
  return {
    update: (sent, value, elapsedMs) =>
      bar.update(Math.min(total, value), {
        rate: Math.round(sent / Math.max(0.001, elapsedMs / 1000)),
      }),
    stop: () => {
      bar.update(total);
      bar.stop();
    },
  };
}

function sender(producer: Producer, topic: string): (batch: PacedMessage[]) => Promise<void> {
  return async (batch) => {
    await producer.send({
      topic,
      acks: -1,
      messages: batch.map((e) => ({ key: e.key, value: e.value })),
    });
  };
}

/**
 * Produces at `rate` events/s for `durationMs`, open loop (bench/lib/paced-feed.ts): the rate
 * does not wait on the detector, nor on each batch's acknowledgement.
 */
export async function producePaced(
  producer: Producer,
  topic: string,
  plan: {
    readonly label: string;
    readonly next: () => BenchEvent;
    readonly rate: number;
    readonly durationMs: number;
  },
): Promise<PacedFeedResult> {
  const bar = progressBar(plan.label, Math.round(plan.durationMs / 1000), "s");
  try {
    return await pacedFeed({
      rate: plan.rate,
      durationMs: plan.durationMs,
      next: plan.next,
      send: sender(producer, topic),
      onProgress: (acknowledged, elapsedMs) =>
        bar.update(acknowledged, Math.floor(elapsedMs / 1000), elapsedMs),
    });
  } finally {
    bar.stop();
  }
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Produces `count` events as fast as the pipeline takes them: waits while more than
 * `maxBacklog` are produced but not checked (`checked()` counts this feed's checks), and only
 * then stamps the next events with a time. For warm-ups, never for a measured rate.
 */
export async function produceAsTaken(
  producer: Producer,
  topic: string,
  plan: {
    readonly label: string;
    readonly next: () => BenchEvent;
    readonly count: number;
    readonly maxBacklog: number;
    readonly checked: () => number;
  },
): Promise<number> {
  const bar = progressBar(plan.label, plan.count, "events");
  const send = sender(producer, topic);
  const start = performance.now();
  let sent = 0;
  try {
    while (sent < plan.count) {
      if (sent - plan.checked() > plan.maxBacklog) {
        await pause(10);
        continue;
      }
      const n = Math.min(200, plan.count - sent);
      await send(Array.from({ length: n }, () => plan.next()));
      sent += n;
      bar.update(sent, sent, performance.now() - start);
    }
  } finally {
    bar.stop();
  }
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
