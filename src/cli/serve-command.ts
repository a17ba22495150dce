import { Command } from "commander";
import { startQueryApp } from "../app/query-app.js";
import { loadConfig, type SettingKey } from "../config/load.js";
import { describeError } from "../errors.js";
import { createLogger } from "../observability/logger.js";
import { addConfigOptions, overridesFrom } from "./config-options.js";
import { onShutdownSignal } from "./detect-command.js";

/** The settings `serve` reads. */
const KEYS: SettingKey[] = [
  "apiPort",
  "apiHost",
  "apiMaxPartitions",
  "apiMaxRows",
  "apiRequestTimeoutMs",
  "apiMaxConcurrent",
  "apiTokensFile",
  "apiCorsOrigins",
  "apiStreamMaxClients",
  "apiStreamHeartbeatMs",
  "apiStreamReorderMs",
  "apiStreamResumeLookbackMs",
  "apiSummaryCacheMs",
  "mapTileUrl",
  "kafkaBrokers",
  "kafkaClientId",
  "alertTopic",
  "kafkaSaslMechanism",
  "kafkaUsername",
  "kafkaPassword",
  "kafkaTls",
  "kafkaCaFile",
  "maxFutureSkewMs",
  "cassandraContactPoints",
  "cassandraLocalDc",
  "cassandraKeyspace",
  "cassandraConsistency",
  "cassandraUsername",
  "cassandraPassword",
  "geohashLengths",
  "mapLengths",
  "layoutEventsPerSecond",
  "layoutRowBytes",
  "layoutPartitionMb",
  "layoutHotCellShare",
  "searchK",
  "maxNeighbourDistanceM",
  "searchMaxCells",
  "searchMaxReads",
  "searchStartRadiusM",
  "rowsPerPartition",
  "minNeighbours",
  "scorer",
  "threshold",
  "alertKeyLength",
  "logLevel",
];

/** `geoanomaly serve`: the query API and the map page, reading Cassandra and the alert topic. */
export function serveCommand(): Command {
  const cmd = new Command("serve").description(
    "Serve the query API (GET /v1/events, /v1/clusters, /v1/anomalies, /v1/near, /v1/alerts/stream; " +
      "/openapi.json) and the live map page at /, reading Cassandra and following the alert topic. " +
      "Stateless: run as many as you like behind a load balancer. " +
      "SIGINT/SIGTERM stop it.",
  );
  addConfigOptions(cmd, KEYS);
  cmd.action(async (opts: Record<string, unknown>) => {
    const config = loadConfig(overridesFrom(opts, KEYS));
    const logger = createLogger({ level: config.logLevel });
    let app;
    try {
      app = await startQueryApp(config, logger);
    } catch (err) {
      logger.fatal({ err }, `query API failed to start: ${describeError(err)}`);
      process.exitCode = 1;
      return;
    }
    console.log(`map and API: ${app.url} (OpenAPI: ${app.url}openapi.json)`);
    const running = app;
    await new Promise<void>((resolve) =>
      onShutdownSignal(() => {
        void running.stop().then(resolve);
      }),
    );
  });
  return cmd;
}
