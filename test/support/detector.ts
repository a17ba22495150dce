import { Kafka, Partitioners, logLevel, type KafkaMessage } from "kafkajs";
import { onTestFinished } from "vitest";
import { startDetectorApp, type DetectorApp } from "../../src/app/detector-app.js";
import { createCassandraClient } from "../../src/cassandra/client.js";
import {
  assembleDetector,
  assembleSummary,
  type DetectorParts,
  type StoreFactory,
} from "../../src/app/assembly.js";
import { configuredLayout } from "../../src/config/layout.js";
import { touchedPairs } from "../../src/domain/query/summary.js";
import { createSummaryMetrics } from "../../src/observability/summary-metrics.js";
import { Registry } from "prom-client";
import type { GeoEvent } from "../../src/domain/detect/event.js";
import { encode } from "../../src/domain/geo/geo.js";
import { planWrites } from "../../src/domain/detect/write-plan.js";
import { kafkaSecurity } from "../../src/kafka/client.js";
import { loadConfig, type Config, type ConfigOverrides } from "../../src/config/load.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { createTestTopics, endpoints, uniqueName } from "./helpers.js";
import { waitForCount } from "./wait.js";

/** A test's own topics, keyspace and group (two partitions), so parallel tests never share one. */
export function testNames(prefix = "t"): ConfigOverrides {
  const base = uniqueName(prefix);
  return {
    cassandraKeyspace: base.toLowerCase(),
    inputTopic: `${base}.events`,
    deadLetterTopic: `${base}.dlq`,
    alertTopic: `${base}.alerts`,
    groupId: `${base}.group`,
    topicPartitions: "2",
  };
}

/** A config for one test: its own topics, keyspace and group, pointed at the test servers. */
export function testConfig(overrides: ConfigOverrides = {}): Config {
  const e = endpoints();
  return loadConfig(
    {
      kafkaBrokers: e.kafkaBrokers.join(","),
      cassandraContactPoints: e.cassandraContactPoints.join(","),
      cassandraLocalDc: e.cassandraLocalDc,
      ...testNames(),
      metricsPort: "0",
      // Expected failures (outages, malformed input) would flood the output; TEST_LOG_LEVEL=debug shows them.
      logLevel: process.env["TEST_LOG_LEVEL"] ?? "fatal",
      sessionTimeoutMs: "10000",
      retryAttempts: "2",
      ...overrides,
    },
    {},
  );
}

/** Starts the detector in-process for this test and stops it when the test finishes. */
export async function startTestDetector(config: Config): Promise<DetectorApp> {
  const app = await startDetectorApp(config, createLogger({ level: config.logLevel }));
  onTestFinished(() => app.stop());
  return app;
}

export function kafkaFor(config: Config): Kafka {
  return new Kafka({
    clientId: uniqueName("test-client"),
    brokers: [...config.kafkaBrokers],
    ...kafkaSecurity(config),
    logLevel: logLevel.ERROR,
  });
}

/** Produces raw messages (already serialized) with acks from all replicas. */
export async function produceRaw(
  config: Config,
  messages: {
    key?: Buffer | string;
    value: Buffer | string | null;
    headers?: Record<string, Buffer | string>;
  }[],
): Promise<void> {
  const producer = kafkaFor(config).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    await producer.send({
      topic: config.inputTopic,
      acks: -1,
      messages: messages.map((m) => ({
        key: m.key ?? null,
        value: m.value,
        ...(m.headers === undefined ? {} : { headers: m.headers }),
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

export async function produceEvents(config: Config, events: readonly object[]): Promise<void> {
  await produceRaw(
    config,
    events.map((e) => ({ key: "k", value: JSON.stringify(e) })),
  );
}

/** Collects every message of a topic from the beginning, in the background, until the test ends. */
export async function collectTopic(config: Config, topic: string): Promise<KafkaMessage[]> {
  const messages: KafkaMessage[] = [];
  const consumer = kafkaFor(config).consumer({ groupId: uniqueName("collector") });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      messages.push(message);
      return Promise.resolve();
    },
  });
  onTestFinished(() => consumer.disconnect());
  return messages;
}

/**
 * The detector's store and Detector (assembled as the service assembles them) on the test's own
 * keyspace with the schema applied; the keyspace is dropped when the test ends.
 */
export async function openTestDetector(
  config: Config,
  storeFactory?: StoreFactory,
): Promise<DetectorParts> {
  const client = createCassandraClient(config);
  await client.connect();
  onTestFinished(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${config.cassandraKeyspace}`);
    await client.shutdown();
  });
  const parts = assembleDetector(config, client, {
    metrics: createMetrics().pipeline,
    ...(storeFactory === undefined ? {} : { storeFactory }),
  });
  await parts.applySchema(config.cassandraReplication);
  return parts;
}

/** Stores events as the detector's batch writes do (grouped by partition), outside any check. */
export async function storeEvents(
  parts: Pick<DetectorParts, "store" | "layout">,
  events: readonly GeoEvent[],
): Promise<void> {
  const hashes = events.map((e) => encode(e.lat, e.lon, 12));
  await Promise.all(
    planWrites(events, hashes, parts.layout).map((w) => parts.store.writePartitions([w])),
  );
}

/** A detector on `config`'s own new topics, with every alert it publishes collected as it comes. */
export async function startAlertingDetector(
  config: Config,
): Promise<{ detector: DetectorApp; alerts: KafkaMessage[] }> {
  const detector = await startOwnDetector(config);
  const alerts = await collectTopic(config, config.alertTopic);
  return { detector, alerts };
}

/** A detector on `config`'s own new topics (created first, so producers never race it). */
export async function startOwnDetector(config: Config): Promise<DetectorApp> {
  await createTestTopics(config);
  return startTestDetector(config);
}

/** Produces events, then waits until a counter of the detector reaches `inAll` (default: one per event). */
type ProduceAndAwait = (
  config: Config,
  detector: DetectorApp,
  events: readonly object[],
  inAll?: number,
) => Promise<void>;

function awaitingCount(name: string): ProduceAndAwait {
  return async (config, detector, events, inAll = events.length) => {
    await produceEvents(config, events);
    await waitForCount(detector, name, inAll);
  };
}

/** Produces `events` and waits until the detector has checked `inAll` events since it started. */
export const produceAndAwaitChecks = awaitingCount("geoanomaly_checks_total");

/** Produces `events` and waits until the detector has stored `inAll` events since it started. */
export const produceAndAwaitStored = awaitingCount("geoanomaly_events_stored_total");

/**
 * Summarises events stored outside the detector (as storeEvents does) the way the detector would:
 * their (cell, minute) pairs marked in the touch log, then one roller round.
 */
export async function summariseEvents(config: Config, events: readonly GeoEvent[]): Promise<void> {
  const client = createCassandraClient(config);
  await client.connect();
  try {
    const layout = configuredLayout(config);
    const summary = assembleSummary(config, client, layout, {
      metrics: createSummaryMetrics(new Registry()),
      logger: { warn: () => undefined, debug: () => undefined },
    });
    await summary.applySchema();
    await summary.log.mark(touchedPairs(events, summary.sourceLength));
    await summary.roller.round();
  } finally {
    await client.shutdown();
  }
}
