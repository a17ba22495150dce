/**
 * One row of the benchmark: its own topics, keyspace and consumer group, a detector child process
 * configured for the variant (the product's `detect`, or another checkout's), the alert collector, the group's lag on
 * Kafka, the event log, and the collector of the checks the detector traces. Closing it leaves
 * nothing running.
 */
import { randomBytes } from "node:crypto";
import type cassandra from "cassandra-driver";
import type { Kafka, Producer } from "kafkajs";
import { configuredLayout } from "../../src/config/layout.js";
import { loadConfig, type Config, type ConfigOverrides } from "../../src/config/load.js";
import { SETTINGS, type SettingKey } from "../../src/config/settings.js";
import type { LevelLayout } from "../../src/domain/sizing/levels.js";
import type { Endpoints } from "../../src/servers/endpoints.js";
import type { DistributionName } from "../../src/synthetic/index.js";
import { EventLog, eventSource, type EventSource } from "./data.js";
import { ConsumerLag } from "./consumer-lag.js";
import { startDetector, type DetectorEntry, type DetectorProcess } from "./detector-process.js";
import {
  collectAlerts,
  connectProducer,
  createTopics,
  deleteGroups,
  deleteTopics,
  type AlertCollector,
} from "./kafka.js";
import type { BenchOptions } from "./options.js";
import { Sampler } from "./sampler.js";
import { detectorTrace, type TraceCollector } from "./trace.js";

/** One compared configuration: a distribution and settings that differ from the defaults. */
export interface Variant {
  readonly name: string;
  readonly distribution: DistributionName;
  /** Settings of the detector that differ from the product's defaults. */
  readonly settings?: ConfigOverrides;
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

/** How a row's detector runs: this checkout or another one, profiled or not. */
export interface RowRun {
  /** Root of another built checkout whose CLI runs the detector (the before of a before/after). */
  readonly checkout?: string;
  /** Node options of the detector process, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
}

export interface RowEnv {
  readonly variant: Variant;
  /** The row's unique name: topics, keyspace and group derive from it. */
  readonly base: string;
  readonly kafka: Kafka;
  readonly config: Config;
  readonly layout: LevelLayout;
  readonly detector: DetectorProcess;
  readonly sampler: Sampler;
  readonly producer: Producer;
  readonly alerts: AlertCollector;
  readonly log: EventLog;
  readonly source: EventSource;
  /** The checks the detector process traced (GET /trace), collected while the row runs. */
  readonly trace: TraceCollector;
  /** The detector group's lag on the input topic (end offsets minus committed offsets). */
  readonly lag: ConsumerLag;
  close(): Promise<void>;
}

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
      traceSampleRate: String(ctx.options.traceSampleRate),
      // Every check is traced and read each second: 10,000 leaves seconds of slack at the bench's
      // rates, and a ring that size costs the detector little (a bigger one costs it CPU to shift).
      traceCapacity: "10000",
      logLevel: "warn",
      ...variant.settings,
    },
    {},
  );
}

/** The seeded synthetic source of a row, recording what it generates in `log`. */
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
      magnitudeRange: o.magnitudeRange,
      sigma: "varying",
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

/** Creates the row's topics, starts its detector, trace and alert collectors and lag sampler. */
export async function openRow(
  ctx: BenchContext,
  variant: Variant,
  index: number,
  run: RowRun = {},
): Promise<RowEnv> {
  const base = rowName(ctx.runId, index);
  const config = rowConfig(ctx, variant, base);
  const topics = [config.inputTopic, config.deadLetterTopic, config.alertTopic];
  await createTopics(ctx.kafka, topics, config.topicPartitions);
  ctx.cleanups.push(() => deleteTopics(ctx.kafka, topics));
  ctx.cleanups.push(() =>
    deleteGroups(ctx.kafka, [config.groupId, `${base}.alerts-reader`, `${base}.positions`]),
  );
  ctx.cleanups.push(() => ctx.client.execute(`DROP KEYSPACE IF EXISTS ${base}`));
  const env = configEnv(config);
  const how: DetectorEntry = {
    ...(run.checkout === undefined ? {} : { checkout: run.checkout }),
    ...(run.nodeArgs === undefined ? {} : { nodeArgs: run.nodeArgs }),
  };
  const [detector, alerts, producer, lag] = await Promise.all([
    startDetector(env, how),
    collectAlerts(ctx.kafka, config.alertTopic, `${base}.alerts-reader`),
    connectProducer(ctx.kafka),
    ConsumerLag.open(ctx.kafka, config.groupId, config.inputTopic),
  ]);
  const sampler = new Sampler(detector.port);
  sampler.start();
  const trace = detectorTrace(detector.port);
  trace.start();
  const log = new EventLog();
  const source = rowEventSource(ctx, variant, base, log);
  return {
    variant,
    base,
    kafka: ctx.kafka,
    config,
    layout: configuredLayout(config),
    detector,
    sampler,
    producer,
    alerts,
    log,
    source,
    trace,
    lag,
    close: async () => {
      sampler.stop();
      await trace.stop().catch(() => undefined);
      await Promise.allSettled([
        detector.stop(),
        alerts.stop(),
        producer.disconnect(),
        lag.close(),
      ]);
    },
  };
}
