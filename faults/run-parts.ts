/**
 * What one run of the fault suite's feed and detectors is made of, for the half-rate and the
 * fixed-rate situations alike: its settings (own topics, group and keyspace, 10 s sessions, every
 * check traced), the detector group logging into `logDir`, the labelled feed and its ledger, and
 * the watchers of offsets and alerts.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Admin, Kafka } from "kafkajs";
import { loadConfig, type Config } from "../src/config/load.js";
import { createKafka } from "../src/kafka/client.js";
import { Ledger } from "./accounting.js";
import { AlertCounter } from "./alerts.js";
import { DetectorGroup } from "./detectors.js";
import { LabelledFeed } from "./feed.js";
import { OffsetWatcher } from "./offsets.js";
import { runSettings } from "./options.js";
import { VerdictLog } from "./verdict-log.js";
import { TRACE_EVERY_CHECK } from "./verdicts.js";

export interface RunParts {
  /** The run's name: the prefix of its topics, group, keyspace and event ids. */
  readonly run: string;
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly verdicts: VerdictLog;
  readonly detectors: DetectorGroup;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly ledger: Ledger;
  readonly feed: LabelledFeed;
  readonly watcher: OffsetWatcher;
  readonly alerts: AlertCounter;
}

/** The parts of a run named `<prefix>-<time>-<random>` on a stack's client settings. */
export function runParts(opts: {
  readonly prefix: string;
  readonly clientSettings: Record<string, string>;
  readonly logLevel: string;
  readonly logDir: string;
  readonly seed: number;
  /** Sizes of the injected anomalies, in local σ. */
  readonly magnitudes: readonly [number, number];
  readonly log: (line: string) => void;
}): RunParts {
  const run = `${opts.prefix}-${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
  const env = runSettings(opts.clientSettings, run, {
    KAFKA_SESSION_TIMEOUT_MS: "10000",
    LOG_LEVEL: opts.logLevel,
    ...TRACE_EVERY_CHECK,
  });
  const config = loadConfig({}, env);
  mkdirSync(opts.logDir, { recursive: true });
  const verdicts = new VerdictLog();
  const kafka = createKafka(config);
  const admin = kafka.admin();
  const ledger = new Ledger();
  return {
    run,
    env,
    config,
    verdicts,
    detectors: new DetectorGroup(env, opts.logDir, opts.log, verdicts),
    kafka,
    admin,
    ledger,
    feed: new LabelledFeed(kafka, config.inputTopic, ledger, {
      seed: opts.seed,
      idPrefix: `${run}-`,
      anomalyFraction: 0.01,
      magnitudes: opts.magnitudes,
    }),
    watcher: new OffsetWatcher(admin, config.groupId, config.inputTopic),
    alerts: new AlertCounter(kafka, config.alertTopic, `${run}.alert-reader`),
  };
}
