import type cassandra from "cassandra-driver";
import { exposureWarning } from "../api/exposure.js";
import { buildApiServer } from "../api/server.js";
import { loadTokensFile } from "../api/tokens.js";
import { CassandraAlertStore } from "../cassandra/alert-store.js";
import { connectCassandra } from "../cassandra/access-check.js";
import { createCassandraClient } from "../cassandra/client.js";
import { CassandraEventReader } from "../cassandra/event-reader.js";
import {
  assembleDetector,
  createNearEvaluator,
  retryOptions,
  type StoreFactory,
} from "./assembly.js";
import { configuredLayout, searchedLevels } from "../config/layout.js";
import { redactedConfig, type Config } from "../config/load.js";
import { verifyKafkaAccess } from "../kafka/access-check.js";
import { KafkaAlertSink } from "../kafka/alert-sink.js";
import { createKafka } from "../kafka/client.js";
import { ConsumerLoop } from "../kafka/consumer-loop.js";
import { KafkaDeadLetterSink } from "../kafka/dead-letter-sink.js";
import { openDetectorKafka } from "../kafka/detector-clients.js";
import { startHttpServer, type HealthReport, type HttpServer } from "../observability/http.js";
import { componentLogger, type Logger } from "../observability/logger.js";
import { createMetrics, type Metrics } from "../observability/metrics.js";
import { CheckTraceBuffer } from "../observability/trace.js";
import { createBatchHandler } from "../pipeline/batch-processor.js";
import type { QueryContext } from "../query/context.js";

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
 * The one composition root: builds the Cassandra client, the Kafka clients,
 * the store, sinks, detector, batch handler, consumer loop and HTTP server
 * from one frozen config, then starts them in dependency order.
 */
export async function startDetectorApp(
  config: Config,
  logger: Logger,
  options: { readonly storeFactory?: StoreFactory } = {},
): Promise<DetectorApp> {
  const log = componentLogger(logger, "app");
  const metrics = createMetrics();
  const trace = new CheckTraceBuffer(config.traceSampleRate, config.traceCapacity);
  const state = {
    cassandra: false,
    topics: false,
    joined: false,
    stopping: false,
    crashed: undefined as unknown,
  };
  let resolveStopped: (v: { error?: unknown }) => void = () => undefined;
  const stopped = new Promise<{ error?: unknown }>((resolve) => (resolveStopped = resolve));

  await verifyKafkaAccess(config); // before any client is left open by a refusal
  const client: cassandra.Client = createCassandraClient(config);
  await connectCassandra(client, config);
  const parts = assembleDetector(config, client, {
    metrics: metrics.pipeline,
    tracer: trace,
    ...(options.storeFactory === undefined ? {} : { storeFactory: options.storeFactory }),
  });
  const { store, detector, layout } = parts;
  log.info({ config: redactedConfig(config), layout }, "starting detector");
  metrics.instruments.writesPerEvent.set(store.writesPerEvent);
  await parts.applySchema(config.cassandraReplication);
  // Alerts are kept in Cassandra too (before their offsets commit), for the query API.
  const archive = new CassandraAlertStore(client, config.cassandraKeyspace);
  await archive.applySchema();
  state.cassandra = true;

  const kafka = createKafka(config, componentLogger(logger, "kafka"));
  const {
    clients: { admin, producer, consumer },
    created,
  } = await openDetectorKafka(kafka, config);
  if (created.length > 0) log.info({ created }, "created missing topics");
  state.topics = true;

  await producer.connect();
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.joined = true;
    log.info({ assignment: e.payload.memberAssignment }, "joined consumer group");
  });

  const retry = retryOptions(config);
  const deadLetters = new KafkaDeadLetterSink(producer, config.deadLetterTopic);
  const handler = createBatchHandler({
    detector,
    alerts: new KafkaAlertSink(producer, config.alertTopic),
    archive,
    deadLetters,
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
          host: config.metricsHost,
          registry: metrics.registry,
          latency: metrics.latency,
          trace,
          health,
          logger: componentLogger(logger, "http"),
        });

  let stopPromise: Promise<void> | undefined;
  let stopStep = "";
  const step = (name: string): void => {
    stopStep = name;
    log.debug({ step: name }, "stopping");
  };
  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      state.stopping = true;
      log.info("stopping: no new fetches, finishing in-flight work, committing");
      step("finishing in-flight batches and leaving the consumer group");
      await loop.stop().catch((err: unknown) => log.warn({ err }, "consumer stop failed"));
      step("disconnecting the alert and dead-letter producer");
      await producer
        .disconnect()
        .catch((err: unknown) => log.warn({ err }, "producer disconnect failed"));
      step("disconnecting the Kafka admin client");
      await admin.disconnect().catch(() => undefined);
      step("closing the Cassandra session");
      await client.shutdown().catch(() => undefined);
      step("closing the metrics server");
      await http?.close();
      step("stopped");
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
  return { metrics, httpPort: http?.port, health, stopped, stop, stopStep: () => stopStep };
}

/** The running query API: what `geoanomaly serve` (and the demo) start and stop. */
export interface QueryApp {
  readonly port: number;
  /** The page's address, for people. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The query side's composition root: a Cassandra client, the readers of the stored lengths and
 * the alert archive, the near evaluator, and the HTTP server. It reads Cassandra only.
 */
export async function startQueryApp(config: Config, logger: Logger): Promise<QueryApp> {
  const log = componentLogger(logger, "api");
  const layout = configuredLayout(config);
  const tokens = config.apiTokensFile === "" ? undefined : loadTokensFile(config.apiTokensFile);
  const client: cassandra.Client = createCassandraClient(config, {
    readTimeoutMs: config.apiRequestTimeoutMs,
  });
  await client.connect();
  const ctx: QueryContext = {
    layout,
    events: new CassandraEventReader(client, config.cassandraKeyspace),
    alerts: new CassandraAlertStore(client, config.cassandraKeyspace),
    maxPartitions: config.apiMaxPartitions,
    now: Date.now,
  };
  const server = await buildApiServer({
    ctx,
    near: createNearEvaluator(config, client, createMetrics().pipeline),
    defaultK: config.searchK,
    nearLimits: {
      layout: searchedLevels(config, layout),
      maxReads: config.searchMaxReads,
      maxCellsPerRead: config.searchMaxCells,
      rowsPerPartition: config.rowsPerPartition,
      maxDistanceMeters: config.maxNeighbourDistanceM,
    },
    page: {
      tileUrl: config.mapTileUrl,
      storedLengths: layout.map((l) => l.length),
      maxPartitions: config.apiMaxPartitions,
    },
    guard: {
      maxRows: config.apiMaxRows,
      requestTimeoutMs: config.apiRequestTimeoutMs,
      maxConcurrent: config.apiMaxConcurrent,
      tokens,
      corsOrigins: config.apiCorsOrigins
        .split(",")
        .map((o) => o.trim())
        .filter((o) => o !== ""),
    },
    logger: componentLogger(logger, "http-api"),
  });
  const exposed = exposureWarning(config.apiHost, config.apiTokensFile);
  if (exposed !== undefined) log.warn(exposed);
  try {
    await server.listen({ port: config.apiPort, host: config.apiHost });
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    throw err;
  }
  const address = server.server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.apiPort;
  const host =
    config.apiHost === "0.0.0.0" || config.apiHost === "::" ? "127.0.0.1" : config.apiHost;
  const url = `http://${host}:${port}/`;
  log.info(
    { url, lengths: layout.map((l) => l.length), tokens: tokens?.byDigest.size ?? 0 },
    "query API listening",
  );
  return {
    port,
    url,
    async stop() {
      await server.close();
      await client.shutdown().catch(() => undefined);
      log.info("query API stopped");
    },
  };
}
