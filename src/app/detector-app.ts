/**
 * The detector service as `geoanomaly detect` runs it: assembled from one frozen config (the
 * Cassandra client and store, the Kafka clients, sinks, detector, batch handler, consumer loop and
 * HTTP server), started in dependency order, watched by its health, stopped in steps.
 */
import type cassandra from "cassandra-driver";
import { CassandraAlertStore } from "../cassandra/alert-store.js";
import { connectCassandra } from "../cassandra/access-check.js";
import { createCassandraClient } from "../cassandra/client.js";
import { redactedConfig, type Config } from "../config/load.js";
import { verifyKafkaAccess } from "../kafka/access-check.js";
import { KafkaAlertSink } from "../kafka/alert-sink.js";
import { createKafka } from "../kafka/client.js";
import { partitionCounts } from "../kafka/confirmed-send.js";
import { ConsumerLoop } from "../kafka/consumer-loop.js";
import { KafkaDeadLetterSink } from "../kafka/dead-letter-sink.js";
import { openDetectorKafka } from "../kafka/detector-clients.js";
import { startHttpServer, type HealthReport, type HttpServer } from "../observability/http.js";
import { componentLogger, type Logger } from "../observability/logger.js";
import { createMetrics, type Metrics } from "../observability/metrics.js";
import { CheckTraceBuffer } from "../observability/trace.js";
import { createBatchHandler } from "../pipeline/batch-processor.js";
import { createSummaryMetrics } from "../observability/summary-metrics.js";
import { assembleDetector, assembleSummary, retryOptions, type StoreFactory } from "./assembly.js";
import { logConsumerEvents, logDriverEvents } from "./client-events.js";
import { DetectorHealth } from "./health.js";
import { detectorStopSteps } from "./detector-stop.js";
import { orderedShutdown } from "./shutdown.js";

/** The running detector service: what `geoanomaly detect` starts and stops. */
export interface DetectorApp {
  readonly metrics: Metrics;
  /** The bound metrics port, when the HTTP server runs. */
  readonly httpPort: number | undefined;
  health(): HealthReport;
  /** Resolves when the service stopped: by stop(), or by a consumer crash kafkajs will not restart. */
  readonly stopped: Promise<{ error?: unknown }>;
  stop(): Promise<void>;
  /** The step a stop is in ("" before stop()), so a shutdown deadline can say what it waited on. */
  stopStep(): string;
}

/**
 * Starts the detector: Kafka access checked, Cassandra connected and its schema applied, the
 * topics made, the consumer loop and the metrics server running.
 */
export async function startDetectorApp(
  config: Config,
  logger: Logger,
  options: { readonly storeFactory?: StoreFactory } = {},
): Promise<DetectorApp> {
  const log = componentLogger(logger, "app");
  const metrics = createMetrics();
  const trace = new CheckTraceBuffer(config.traceSampleRate, config.traceCapacity);
  const health = new DetectorHealth();
  let resolveStopped: (v: { error?: unknown }) => void = () => undefined;
  const stopped = new Promise<{ error?: unknown }>((resolve) => (resolveStopped = resolve));

  await verifyKafkaAccess(config); // before any client is left open by a refusal
  const client: cassandra.Client = createCassandraClient(config);
  logDriverEvents(client, componentLogger(logger, "cassandra"));
  await connectCassandra(client, config);
  const parts = assembleDetector(config, client, {
    metrics: metrics.pipeline,
    tracer: trace,
    ...(options.storeFactory === undefined ? {} : { storeFactory: options.storeFactory }),
  });
  const { store, detector, layout } = parts;
  log.info({ config: redactedConfig(config), layout }, "starting detector");
  metrics.instruments.writesPerEvent.set(store.writesPerEvent);
  const schemaFrom = Date.now();
  await parts.applySchema(config.cassandraReplication);
  // Alerts are kept in Cassandra too (before their offsets commit), for the query API.
  const archive = new CassandraAlertStore(client, config.cassandraKeyspace);
  await archive.applySchema();
  // The cluster summary: touches marked before each commit, recounted by the roller from the
  // table-per-length rows (another store, as a comparison may run, has no summary).
  const summary =
    options.storeFactory === undefined
      ? assembleSummary(config, client, layout, {
          metrics: createSummaryMetrics(metrics.registry),
          logger: componentLogger(logger, "summary"),
        })
      : undefined;
  await summary?.applySchema();
  health.cassandra = true;
  log.info({ ms: Date.now() - schemaFrom }, "schema applied");

  const kafka = createKafka(config, componentLogger(logger, "kafka"));
  const {
    clients: { admin, producer, consumer },
    created,
  } = await openDetectorKafka(kafka, config);
  if (created.length > 0) log.info({ created }, "created missing topics");
  health.topics = true;

  await producer.connect();
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    health.joined = true;
    log.info(
      {
        assignment: e.payload.memberAssignment,
        leader: e.payload.isLeader,
        joinMs: e.payload.duration,
      },
      "joined consumer group",
    );
  });
  logConsumerEvents(consumer, componentLogger(logger, "consumer"));

  const retry = retryOptions(config);
  // The sinks send with partitions set and confirm each one (kafkajs can skip a moved partition).
  const partitions = await partitionCounts(admin, [config.alertTopic, config.deadLetterTopic]);
  const deadLetters = new KafkaDeadLetterSink(
    producer,
    config.deadLetterTopic,
    partitions.get(config.deadLetterTopic) ?? 1,
  );
  const handler = createBatchHandler({
    detector,
    alerts: new KafkaAlertSink(producer, config.alertTopic, partitions.get(config.alertTopic) ?? 1),
    archive,
    deadLetters,
    ...(summary === undefined
      ? {}
      : { summary: { log: summary.log, sourceLength: summary.sourceLength } }),
    metrics: metrics.pipeline,
    limits: {
      maxBytes: config.maxEventBytes,
      maxPastSkewMs: config.maxPastSkewMs,
      maxFutureSkewMs: config.maxFutureSkewMs,
    },
    checkBatchSize: config.checkBatchSize,
    retry,
    logger: componentLogger(logger, "batch"),
  });
  const loop = new ConsumerLoop({
    consumer,
    topic: config.inputTopic,
    handler,
    deadLetters,
    metrics: metrics.pipeline,
    logger: componentLogger(logger, "consumer"),
    partitionsConcurrently: config.partitionsConcurrently,
    probe: () => store.ping(),
    retry,
  });

  const report = (): HealthReport => health.report();
  const http: HttpServer | undefined =
    config.metricsPort === 0
      ? undefined
      : await startHttpServer({
          port: config.metricsPort,
          host: config.metricsHost,
          registry: metrics.registry,
          latency: metrics.latency,
          trace,
          health: report,
          logger: componentLogger(logger, "http"),
        });

  const shutdown = orderedShutdown(
    log,
    detectorStopSteps(
      {
        loop,
        ...(summary === undefined ? {} : { roller: summary.roller }),
        producer,
        admin,
        cassandra: client,
        ...(http === undefined ? {} : { http }),
      },
      log,
    ),
    {
      first: () => {
        health.stopping = true;
        log.info("stopping: no new fetches, finishing in-flight work, committing");
      },
      last: () => {
        log.info("stopped");
        resolveStopped(health.crashed === undefined ? {} : { error: health.crashed });
      },
    },
  );
  // A retriable crash: the loop restarts the consumer (logged there) unless it stops; any other
  // stops the detector.
  loop.watchCrashes({
    restarted: (reason) => metrics.instruments.consumerRestarts.inc({ reason }),
    fatal: (error) => {
      health.crashed = error;
      log.error({ err: error }, "consumer crashed and will not restart: stopping");
      void shutdown.stop();
    },
  });

  await loop.start();
  summary?.roller.start();
  log.info({ topic: config.inputTopic, metricsPort: http?.port }, "detector running");
  return {
    metrics,
    httpPort: http?.port,
    health: report,
    stopped,
    stop: () => shutdown.stop(),
    stopStep: () => shutdown.step(),
  };
}
