/**
 * The query API as `geoanomaly serve` (and the demo) runs it: a Cassandra client with the API's
 * read timeout, the readers of the stored lengths and the alert archive, the near evaluator the
 * detector's own assembly makes, the live alert stream's hub fed by a consumer of the alert topic,
 * and the HTTP server. It reads Cassandra and the alert topic, and writes nothing.
 */
import type cassandra from "cassandra-driver";
import { exposureWarning } from "../api/exposure.js";
import { buildApiServer } from "../api/server.js";
import { loadTokensFile } from "../api/tokens.js";
import { CassandraAlertStore } from "../cassandra/alert-store.js";
import { createCassandraClient } from "../cassandra/client.js";
import { CassandraEventReader } from "../cassandra/event-reader.js";
import { CassandraSummaryReader } from "../cassandra/summary-reader.js";
import { configuredLayout, searchedLevels, summarySourceLevel } from "../config/layout.js";
import type { Config } from "../config/load.js";
import { componentLogger, type Logger } from "../observability/logger.js";
import { createMetrics } from "../observability/metrics.js";
import type { QueryContext } from "../query/context.js";
import { createKafka } from "../kafka/client.js";
import { KafkaAlertFeed } from "../kafka/alert-feed.js";
import { AlertHub } from "../query/alert-hub.js";
import { RequestBudget } from "../query/budget.js";
import { CachedSummaryReader } from "../query/summary-cache.js";
import { createNearEvaluator } from "./assembly.js";

/** The running query API: what `geoanomaly serve` (and the demo) start and stop. */
export interface QueryApp {
  readonly port: number;
  /** The page's address, for people. */
  readonly url: string;
  /** Whether the live alert stream follows the alert topic (its consumer group has joined). */
  streamLive(): boolean;
  stop(): Promise<void>;
}

/** Summary rows one API process keeps for reuse (a continent view over an hour reads a few hundred). */
const SUMMARY_CACHE_ROWS = 200_000;

/** How long stop() lets a feed still connecting to Kafka finish before disconnecting it. */
const FEED_START_WAIT_MS = 5000;

/** Starts the query API on API_HOST:API_PORT; stop() closes the server, then the Cassandra session. */
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
    summary: new CachedSummaryReader(new CassandraSummaryReader(client, config.cassandraKeyspace), {
      asOfReuseMs: config.apiSummaryCacheMs,
      maxRows: SUMMARY_CACHE_ROWS,
      backgroundBudget: () =>
        new RequestBudget(
          { maxRows: config.apiMaxRows, timeoutMs: config.apiRequestTimeoutMs },
          undefined,
        ),
      now: Date.now,
    }),
    summarySource: summarySourceLevel(config, layout),
    maxPartitions: config.apiMaxPartitions,
    now: Date.now,
  };
  // The stream follows the topic once its group has joined; until then it answers 503, and a
  // Kafka that cannot be reached leaves the rest of the API serving.
  const feedLog = componentLogger(logger, "alert-feed");
  const hub = new AlertHub(
    new KafkaAlertFeed(createKafka(config, feedLog, "-api"), {
      topic: config.alertTopic,
      groupPrefix: `${config.kafkaClientId}-api-stream`,
      log: feedLog,
    }),
    config.apiStreamReorderMs,
  );
  const hubStarted = hub.start().catch((err: unknown) => {
    feedLog.error({ err }, "the alert stream could not follow the alert topic; it answers 503");
  });
  /** Stops the feed; a start still retrying an unreachable Kafka is not waited for long. */
  const stopFeed = async (): Promise<void> => {
    await Promise.race([hubStarted, new Promise((r) => setTimeout(r, FEED_START_WAIT_MS).unref())]);
    await hub
      .stop()
      .catch((err: unknown) => feedLog.warn({ err }, "alert feed did not stop cleanly"));
  };
  const server = await buildApiServer({
    ctx,
    stream: {
      hub,
      maxClients: config.apiStreamMaxClients,
      heartbeatMs: config.apiStreamHeartbeatMs,
      resumeLookbackMs: config.apiStreamResumeLookbackMs,
      futureSkewMs: config.maxFutureSkewMs,
    },
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
    await stopFeed();
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
    streamLive: () => hub.live,
    async stop() {
      await server.close();
      await stopFeed();
      await client.shutdown().catch(() => undefined);
      log.info("query API stopped");
    },
  };
}
