/**
 * One row of the benchmark: its own topics, keyspace and consumer group, a detector child process
 * configured for the variant, the alert collector, the event log, and a harness-side view of the
 * same store (for the neighbour-recall comparison). Closing it leaves nothing behind.
 */
import { randomBytes } from "node:crypto";
import type cassandra from "cassandra-driver";
import type { Kafka, Producer } from "kafkajs";
import { detectorSettings, rowsPerPartition } from "../../src/app.js";
import {
  createDataModel,
  type DataModel,
  type DataModelName,
} from "../../src/cassandra/models/index.js";
import { loadConfig, type Config } from "../../src/config/load.js";
import { SETTINGS, type SettingKey } from "../../src/config/settings.js";
import type { ScorerName } from "../../src/domain/scoring.js";
import type { SearchMode } from "../../src/domain/search.js";
import { Detector } from "../../src/pipeline/detector.js";
import type { PipelineMetrics } from "../../src/pipeline/ports.js";
import type { Endpoints } from "../../src/servers/endpoints.js";
import type { DistributionName } from "../../src/synthetic/index.js";
import { EventLog, eventSource, type EventSource } from "./data.js";
import { startDetector, type DetectorProcess } from "./detector-process.js";
import {
  collectAlerts,
  connectProducer,
  createTopics,
  deleteTopics,
  type AlertCollector,
} from "./kafka.js";
import type { BenchOptions } from "./options.js";
import { Sampler } from "./sampler.js";

/** One compared configuration. */
export interface Variant {
  readonly name: string;
  readonly dataModel: DataModelName;
  readonly searchMode: SearchMode;
  readonly searchStart: "adaptive" | "longest";
  /** SEARCH_ROWS_PER_PARTITION (0: k). */
  readonly rowsPerPartition: number;
  readonly scorer: ScorerName;
  readonly distribution: DistributionName;
}

/** What every row shares: servers, clients, options, and cleanups to run at the end. */
export interface BenchContext {
  readonly endpoints: Endpoints;
  readonly kafka: Kafka;
  readonly client: cassandra.Client;
  readonly options: BenchOptions;
  readonly runId: string;
  readonly cleanups: (() => Promise<unknown>)[];
}

export interface RowEnv {
  readonly variant: Variant;
  readonly config: Config;
  readonly detector: DetectorProcess;
  readonly sampler: Sampler;
  readonly producer: Producer;
  readonly alerts: AlertCollector;
  readonly log: EventLog;
  readonly source: EventSource;
  /** The same store and search as the detector's, in the harness (recall, ceiling). */
  readonly model: DataModel;
  readonly harnessDetector: Detector;
  close(): Promise<void>;
}

/** Metrics that record nothing: harness-side checks must not count as the detector's. */
export const NO_METRICS: PipelineMetrics = {
  consumed: () => undefined,
  stored: () => undefined,
  checked: () => undefined,
  anomaly: () => undefined,
  deadLettered: () => undefined,
  retried: () => undefined,
  paused: () => undefined,
  writeSeconds: () => undefined,
  readSeconds: () => undefined,
  queriesPerCheck: () => undefined,
  stopLength: () => undefined,
  endToEndSeconds: () => undefined,
};

/** A name unique to this run and row, valid as topic, group and CQL identifier. */
export function rowName(runId: string, index: number): string {
  return `bench_${runId}_${index}_${randomBytes(2).toString("hex")}`;
}

/** The config of a row (validated by the product's own loader). */
export function rowConfig(ctx: BenchContext, variant: Variant, base: string): Config {
  return loadConfig(
    {
      kafkaBrokers: ctx.endpoints.kafkaBrokers.join(","),
      cassandraContactPoints: ctx.endpoints.cassandraContactPoints.join(","),
      cassandraLocalDc: ctx.endpoints.cassandraLocalDc,
      cassandraKeyspace: base,
      inputTopic: `${base}.events`,
      deadLetterTopic: `${base}.dlq`,
      alertTopic: `${base}.alerts`,
      groupId: `${base}.group`,
      topicPartitions: String(ctx.options.partitions),
      searchMode: variant.searchMode,
      searchStart: variant.searchStart,
      rowsPerPartition: String(variant.rowsPerPartition),
      scorer: variant.scorer,
      dataModel: variant.dataModel,
      logLevel: "warn",
    },
    {},
  );
}

/** The seeded synthetic source of a row (or the ceiling), recording what it generates in `log`. */
export function rowEventSource(
  ctx: BenchContext,
  variant: Variant,
  base: string,
  log: EventLog,
): EventSource {
  const o = ctx.options;
  return eventSource(
    {
      distribution: variant.distribution,
      seed: o.seed,
      anomalyFraction: o.anomalyFraction,
      magnitudes: o.magnitudes,
      idPrefix: `${base}-`,
    },
    log,
  );
}

/** The config as the environment variables `geoanomaly detect` reads. */
export function configEnv(config: Config): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const value = config[key];
    env[SETTINGS[key].env] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return env;
}

/** Creates the row's topics, starts its detector and alert collector. */
export async function openRow(
  ctx: BenchContext,
  variant: Variant,
  index: number,
  nodeArgs: readonly string[] = [],
): Promise<RowEnv> {
  const base = rowName(ctx.runId, index);
  const config = rowConfig(ctx, variant, base);
  const topics = [config.inputTopic, config.deadLetterTopic, config.alertTopic];
  await createTopics(ctx.kafka, topics, config.topicPartitions);
  ctx.cleanups.push(() => deleteTopics(ctx.kafka, topics));
  ctx.cleanups.push(() => ctx.client.execute(`DROP KEYSPACE IF EXISTS ${base}`));
  const [detector, alerts, producer] = await Promise.all([
    startDetector(configEnv(config), nodeArgs),
    collectAlerts(ctx.kafka, config.alertTopic, `${base}.alerts-reader`),
    connectProducer(ctx.kafka),
  ]);
  const sampler = new Sampler(detector.port);
  sampler.start();
  const log = new EventLog();
  const source = rowEventSource(ctx, variant, base, log);
  const model = createDataModel(
    config.dataModel,
    ctx.client,
    base,
    detectorSettings(config).layout,
    rowsPerPartition(config),
  );
  const harnessDetector = new Detector(model.store, detectorSettings(config), NO_METRICS);
  return {
    variant,
    config,
    detector,
    sampler,
    producer,
    alerts,
    log,
    source,
    model,
    harnessDetector,
    close: async () => {
      sampler.stop();
      await Promise.allSettled([detector.stop(), alerts.stop(), producer.disconnect()]);
    },
  };
}
