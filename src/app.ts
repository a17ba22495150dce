import type cassandra from "cassandra-driver";
import { Partitioners, type Admin, type Consumer, type Producer } from "kafkajs";
import { connectCassandra } from "./cassandra/access-check.js";
import { createCassandraClient } from "./cassandra/client.js";
import { createDataModel } from "./cassandra/models/index.js";
import { redactedConfig, type Config } from "./config/load.js";
import { layoutFor, type LevelLayout } from "./domain/levels.js";
import { verifyKafkaAccess } from "./kafka/access-check.js";
import { KafkaAlertSink } from "./kafka/alert-sink.js";
import { createKafka } from "./kafka/client.js";
import { ConsumerLoop } from "./kafka/consumer-loop.js";
import { KafkaDeadLetterSink } from "./kafka/dead-letter-sink.js";
import { ensureTopics } from "./kafka/topics.js";
import { startHttpServer, type HealthReport, type HttpServer } from "./observability/http.js";
import { componentLogger, type Logger } from "./observability/logger.js";
import { createMetrics, type Metrics } from "./observability/metrics.js";
import { createBatchHandler } from "./pipeline/batch-processor.js";
import { Detector, type DetectorSettings } from "./pipeline/detector.js";
import type { RetryOptions } from "./pipeline/retry.js";

/** The detector settings a config stands for. */
export function detectorSettings(
  config: Config,
  layout: LevelLayout = layoutFor(config.geohashLengths),
): DetectorSettings {
  return {
    layout,
    k: config.searchK,
    mode: config.searchMode,
    scorer: config.scorer,
    threshold: config.threshold,
    minNeighbours: config.minNeighbours,
    alertKeyLength: config.alertKeyLength,
    searchStart: config.searchStart,
  };
}

/** Rows a search reads per (cell, bucket) partition: SEARCH_ROWS_PER_PARTITION, or k when 0. */
export function rowsPerPartition(config: Config): number {
  return config.rowsPerPartition === 0 ? config.searchK : config.rowsPerPartition;
}

export function retryOptions(config: Config): RetryOptions {
  return {
    initialMs: config.retryInitialMs,
    maxMs: config.retryMaxMs,
    attempts: config.retryAttempts,
  };
}

/** The running detector service: what `geoanomaly detect` starts and stops. */
export interface DetectorApp {
  readonly metrics: Metrics;
  /** The bound metrics port, when the HTTP server runs. */
  readonly httpPort: number | undefined;
  health(): HealthReport;
  /** Resolves when the service stopped: by stop(), or by a consumer crash kafkajs will not restart. */
  readonly stopped: Promise<{ error?: unknown }>;
  stop(): Promise<void>;
}

/**
 * The one composition root: builds the Cassandra client, the Kafka clients,
 * the store, sinks, detector, batch handler, consumer loop and HTTP server
 * from one frozen config, then starts them in dependency order.
 */
export async function startDetectorApp(config: Config, logger: Logger): Promise<DetectorApp> {
  const log = componentLogger(logger, "app");
  const metrics = createMetrics();
  const layout = layoutFor(config.geohashLengths);
  const state = {
    cassandra: false,
    topics: false,
    joined: false,
    stopping: false,
    crashed: undefined as unknown,
  };
  let resolveStopped: (v: { error?: unknown }) => void = () => undefined;
  const stopped = new Promise<{ error?: unknown }>((resolve) => (resolveStopped = resolve));

  log.info({ config: redactedConfig(config), layout }, "starting detector");
  await verifyKafkaAccess(config); // before any client is left open by a refusal
  const client: cassandra.Client = createCassandraClient(config);
  await connectCassandra(client, config);
  const model = createDataModel(
    config.dataModel,
    client,
    config.cassandraKeyspace,
    layout,
    rowsPerPartition(config),
  );
  await model.applySchema(config.cassandraReplication);
  state.cassandra = true;

  const kafka = createKafka(config, componentLogger(logger, "kafka"));
  const admin: Admin = kafka.admin();
  await admin.connect();
  const created = await ensureTopics(
    admin,
    [config.inputTopic, config.deadLetterTopic, config.alertTopic].map((topic) => ({
      topic,
      partitions: config.topicPartitions,
    })),
    config.topicReplication,
  );
  if (created.length > 0) log.info({ created }, "created missing topics");
  state.topics = true;

  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const consumer: Consumer = kafka.consumer({
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeoutMs,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: 256 * 1024,
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.joined = true;
    log.info({ assignment: e.payload.memberAssignment }, "joined consumer group");
  });

  const store = model.store;
  const detector = new Detector(store, detectorSettings(config, layout), metrics.pipeline);
  const retry = retryOptions(config);
  const handler = createBatchHandler({
    detector,
    alerts: new KafkaAlertSink(producer, config.alertTopic),
    deadLetters: new KafkaDeadLetterSink(producer, config.deadLetterTopic),
    metrics: metrics.pipeline,
    limits: {
      maxBytes: config.maxEventBytes,
      maxPastSkewMs: config.maxPastSkewMs,
      maxFutureSkewMs: config.maxFutureSkewMs,
    },
    concurrency: config.concurrency,
    retry,
    logger: componentLogger(logger, "batch"),
  });
  const loop = new ConsumerLoop({
    consumer,
    topic: config.inputTopic,
    handler,
    metrics: metrics.pipeline,
    logger: componentLogger(logger, "consumer"),
    partitionsConcurrently: config.partitionsConcurrently,
    probe: () => store.ping(),
    retry,
  });

  const health = (): HealthReport => ({
    live: state.crashed === undefined,
    ready:
      state.cassandra &&
      state.topics &&
      state.joined &&
      !state.stopping &&
      state.crashed === undefined,
    details: {
      cassandra: state.cassandra,
      topics: state.topics,
      joinedGroup: state.joined,
      stopping: state.stopping,
    },
  });
  const http: HttpServer | undefined =
    config.metricsPort === 0
      ? undefined
      : await startHttpServer({
          port: config.metricsPort,
          registry: metrics.registry,
          latency: metrics.latency,
          health,
          logger: componentLogger(logger, "http"),
        });

  let stopPromise: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      state.stopping = true;
      log.info("stopping: no new fetches, finishing in-flight work, committing");
      await loop.stop().catch((err: unknown) => log.warn({ err }, "consumer stop failed"));
      await producer
        .disconnect()
        .catch((err: unknown) => log.warn({ err }, "producer disconnect failed"));
      await admin.disconnect().catch(() => undefined);
      await client.shutdown().catch(() => undefined);
      await http?.close();
      log.info("stopped");
      resolveStopped(state.crashed === undefined ? {} : { error: state.crashed });
    })();
    return stopPromise;
  };
  consumer.on(consumer.events.CRASH, (e) => {
    if (e.payload.restart) {
      log.warn({ err: e.payload.error }, "consumer crashed; kafkajs restarts it");
      return;
    }
    state.crashed = e.payload.error;
    log.error({ err: e.payload.error }, "consumer crashed and will not restart: stopping");
    void stop();
  });

  await loop.start();
  log.info({ topic: config.inputTopic, metricsPort: http?.port }, "detector running");
  return { metrics, httpPort: http?.port, health, stopped, stop };
}
