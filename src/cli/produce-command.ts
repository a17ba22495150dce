import { randomInt } from "node:crypto";
import { Presets, SingleBar } from "cli-progress";
import { Command, InvalidArgumentError, Option } from "commander";
import { commandKafka } from "../app/clients.js";
import { loadConfig } from "../config/load.js";
import type { LogSink } from "../kafka/client.js";
import { DISTRIBUTION_NAMES, type DistributionName } from "../synthetic/distributions.js";
import {
  buildProducerFeed,
  type ProduceProgress,
  type ProduceSummary,
} from "../kafka/synthetic-producer.js";

export {
  buildProducerFeed,
  type ProduceOptions,
  type ProducerFeed,
  type ProduceSummary,
} from "../kafka/synthetic-producer.js";

interface ProduceFlags {
  count?: number;
  rate: number;
  distribution: DistributionName;
  anomalyFraction: number;
  magnitudes: number[];
  malformedFraction: number;
  seed?: number;
  topic?: string;
  kafkaBrokers?: string;
  quiet?: boolean;
}

/** Seconds between progress lines when stderr is not a terminal. */
const PLAIN_PROGRESS_EVERY_MS = 5_000;

function parseNumber(raw: string, what: string, ok: (n: number) => boolean): number {
  const n = raw.trim() === "" ? Number.NaN : Number(raw);
  if (!Number.isFinite(n) || !ok(n)) throw new InvalidArgumentError(`must be ${what}.`);
  return n;
}

const positiveInt = (raw: string): number =>
  parseNumber(raw, "a positive whole number", (n) => Number.isInteger(n) && n > 0);
const nonNegative = (raw: string): number =>
  parseNumber(raw, "a number >= 0 (0: as fast as acks allow)", (n) => n >= 0);
const fraction = (raw: string): number =>
  parseNumber(raw, "a fraction between 0 and 1", (n) => n >= 0 && n <= 1);
const seedOf = (raw: string): number =>
  parseNumber(
    raw,
    "a whole number from 0 to 4294967295",
    (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32,
  );

function magnitudesOf(raw: string): number[] {
  const items = raw.split(",").map((s) => s.trim());
  const values = items.map(Number);
  if (items.some((s) => s === "") || values.some((m) => !Number.isFinite(m) || m <= 0)) {
    throw new InvalidArgumentError("must be a comma-separated list of numbers > 0, e.g. 6,10.");
  }
  return values;
}

function topicOf(raw: string): string {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(raw)) {
    throw new InvalidArgumentError(
      "must be a valid Kafka topic name ([a-zA-Z0-9._-], 1-249 chars).",
    );
  }
  return raw;
}

/** kafkajs warnings and errors as single stderr lines (the detector's pino logger is not needed here). */
const stderrSink: LogSink = {
  error: (_obj, msg) => process.stderr.write(`kafkajs error: ${msg}\n`),
  warn: (_obj, msg) => process.stderr.write(`kafkajs warning: ${msg}\n`),
  info: () => undefined,
  debug: () => undefined,
};

interface Display {
  update(p: ProduceProgress): void;
  stop(): void;
}

function rateOf(p: ProduceProgress): string {
  return p.elapsedMs > 0 ? ((p.sent * 1000) / p.elapsedMs).toFixed(0) : "0";
}

function createDisplay(count: number | undefined, quiet: boolean): Display {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY !== true) {
    let last = 0;
    return {
      update(p) {
        if (p.elapsedMs - last < PLAIN_PROGRESS_EVERY_MS) return;
        last = p.elapsedMs;
        const of = count === undefined ? "" : `/${count}`;
        console.error(`produce: sent ${p.sent}${of}, ${rateOf(p)} ev/s, anomalies ${p.anomalies}`);
      },
      stop: () => undefined,
    };
  }
  const counts = "{rate} ev/s | anomalies {anomalies} | malformed {malformed}";
  const format =
    count === undefined
      ? `produce | sent {value} | ${counts} | {secs}s`
      : `produce |{bar}| {percentage}% | {value}/{total} | ${counts} | ETA {eta}s`;
  const bar = new SingleBar({ format, hideCursor: true }, Presets.shades_classic);
  bar.start(count ?? 0, 0, { rate: "0", anomalies: 0, malformed: 0, secs: "0" });
  let stopped = false;
  return {
    update(p) {
      const secs = (p.elapsedMs / 1000).toFixed(0);
      bar.update(p.sent, { rate: rateOf(p), anomalies: p.anomalies, malformed: p.malformed, secs });
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

/** One line for people and scripts alike. */
export function formatSummary(s: ProduceSummary): string {
  return (
    `produce: sent ${s.sent} to ${s.topic} (events ${s.events}, anomalies injected ${s.anomalies}, ` +
    `malformed ${s.malformed}) in ${(s.elapsedMs / 1000).toFixed(1)} s, ` +
    `${s.eventsPerSecond.toFixed(1)} events/s, seed ${s.seed}${s.stopped ? " (stopped)" : ""}`
  );
}

async function produce(flags: ProduceFlags): Promise<void> {
  const config = loadConfig({ inputTopic: flags.topic, kafkaBrokers: flags.kafkaBrokers });
  const seed = flags.seed ?? randomInt(2 ** 32);
  const display = createDisplay(flags.count, flags.quiet === true);
  const feed = buildProducerFeed(commandKafka(config, stderrSink, "-produce"), {
    topic: config.inputTopic,
    count: flags.count,
    rate: flags.rate === 0 ? undefined : flags.rate,
    distribution: flags.distribution,
    anomalyFraction: flags.anomalyFraction,
    magnitudes: flags.magnitudes,
    malformedFraction: flags.malformedFraction,
    seed,
    idPrefix: `s${seed}-${Date.now().toString(36)}-`,
    createTopic: { partitions: config.topicPartitions, replication: config.topicReplication },
    onProgress: (p) => display.update(p),
  });
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) process.exit(130); // second Ctrl-C: give up on a clean stop
    stopping = true;
    void feed.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const summary = await feed.done;
    display.stop();
    console.log(formatSummary(summary));
  } finally {
    display.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** `geoanomaly produce`: labelled synthetic load (with anomalies and bad records) for demos and benchmarks. */
export function produceCommand(): Command {
  return new Command("produce")
    .description(
      "Send synthetic events to the input topic: a smooth baseline field plus Gaussian noise, " +
        "injected anomalies of known size, optionally malformed records. Keyed by geohash-4.",
    )
    .option("--count <n>", "messages to send (default: until Ctrl-C)", positiveInt)
    .addOption(
      new Option("--rate <events/s>", "messages per second; 0: as fast as acks allow")
        .argParser(nonNegative)
        .default(100),
    )
    .addOption(
      new Option("--distribution <name>", "where events happen")
        .choices(DISTRIBUTION_NAMES)
        .default("clumped"),
    )
    .addOption(
      new Option("--anomaly-fraction <f>", "share of events that are injected anomalies")
        .argParser(fraction)
        .default(0.01),
    )
    .addOption(
      new Option("--magnitudes <list>", "anomaly sizes in local standard deviations")
        .argParser(magnitudesOf)
        .default([6, 10], "6,10"),
    )
    .addOption(
      new Option("--malformed-fraction <f>", "share of messages that are malformed records")
        .argParser(fraction)
        .default(0),
    )
    .option("--seed <n>", "random seed (default: random, printed in the summary)", seedOf)
    .option("--topic <name>", "topic to send to (env INPUT_TOPIC, default geo-events)", topicOf)
    .option("--kafka-brokers <list>", "bootstrap brokers host:port,... (env KAFKA_BROKERS)")
    .option("--quiet", "no progress output, only the summary")
    .action(async (flags: ProduceFlags) => {
      await produce(flags);
    });
}
