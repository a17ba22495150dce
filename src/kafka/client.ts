import { readFileSync } from "node:fs";
import {
  Kafka,
  logLevel as kafkaLogLevel,
  type ConsumerConfig,
  type KafkaConfig,
  type LogEntry,
  type ProducerConfig,
} from "kafkajs";
import type { Config } from "../config/load.js";
import { registerCodecs } from "./codec-registry.js";
import { isTransientKafkaLog } from "./errors.js";

/**
 * Fetch-side and coordinator failover of the detector's consumer. kafkajs stops the fetches of
 * every partition while one partition leader is unreachable and learns the new leaders only from
 * fresh metadata, so it refreshes metadata every few seconds and retries often. It keeps a dead
 * group coordinator until its retries run out and the consumer restarts (the restart finds the
 * new coordinator), so the retries are few: about 12 s of them, a little more than the cluster
 * takes to fence a dead broker. With 20 retries a lost coordinator stopped the group's commits
 * for 55 s; with the client's defaults, about half a minute.
 */
export const CONSUMER_FAILOVER: Pick<ConsumerConfig, "metadataMaxAge" | "retry"> = {
  metadataMaxAge: 5_000,
  retry: { initialRetryTime: 250, maxRetryTime: 2_000, retries: 8 },
};

/**
 * Send-side failover of the detector's alert and dead-letter producer. A send to a partition whose
 * leader died fails until the cluster has fenced that broker and moved its leaders (seconds);
 * kafkajs refreshes metadata after each failure but, with the client's default backoff, waits ever
 * longer between tries (up to 30 s), so an alert could wait half a minute after the new leader
 * was known. Short, capped retries send it within about two seconds of the move.
 */
export const PRODUCER_FAILOVER: Pick<ProducerConfig, "metadataMaxAge" | "retry"> = {
  metadataMaxAge: 5_000,
  retry: { initialRetryTime: 250, maxRetryTime: 2_000, retries: 20 },
};

/** Minimal logger shape kafkajs logs are forwarded to (pino fits). */
export interface LogSink {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export type KafkaAccess = Pick<
  Config,
  "kafkaSaslMechanism" | "kafkaUsername" | "kafkaPassword" | "kafkaTls" | "kafkaCaFile"
>;

/** TLS and SASL options of kafkajs for the configured security settings. */
export function kafkaSecurity(config: KafkaAccess): Pick<KafkaConfig, "ssl" | "sasl"> {
  const out: Pick<KafkaConfig, "ssl" | "sasl"> = {};
  if (config.kafkaTls)
    out.ssl =
      config.kafkaCaFile === ""
        ? { rejectUnauthorized: true }
        : { rejectUnauthorized: true, ca: [readFileSync(config.kafkaCaFile, "utf8")] };
  const {
    kafkaSaslMechanism: mechanism,
    kafkaUsername: username,
    kafkaPassword: password,
  } = config;
  if (mechanism === "plain") out.sasl = { mechanism, username, password };
  else if (mechanism === "scram-sha-256") out.sasl = { mechanism, username, password };
  else if (mechanism === "scram-sha-512") out.sasl = { mechanism, username, password };
  return out;
}

/**
 * A kafkajs client for the configured brokers, its logs forwarded to `logger` (WARN and up unless
 * debugging), able to read batches in every codec Kafka producers write.
 */
export function createKafka(
  config: Pick<Config, "kafkaBrokers" | "kafkaClientId" | "logLevel"> & KafkaAccess,
  logger?: LogSink,
  clientSuffix = "",
): Kafka {
  const level =
    config.logLevel === "debug" || config.logLevel === "trace"
      ? kafkaLogLevel.INFO
      : kafkaLogLevel.WARN;
  registerCodecs();
  return new Kafka({
    clientId: `${config.kafkaClientId}${clientSuffix}`,
    brokers: [...config.kafkaBrokers],
    ...kafkaSecurity(config),
    logLevel: logger === undefined ? kafkaLogLevel.NOTHING : level,
    ...(logger === undefined
      ? {}
      : {
          logCreator:
            () =>
            ({ level: lvl, log, namespace }: LogEntry) => {
              const { message, ...rest } = log;
              const obj = { source: "kafkajs", namespace, ...rest };
              // Coordinator and leadership answers while a group forms are retried by kafkajs:
              // expected on every start and failover, so they are debug lines, not errors.
              if (lvl === kafkaLogLevel.ERROR && isTransientKafkaLog(log))
                logger.debug(obj, message);
              else if (lvl === kafkaLogLevel.ERROR) logger.error(obj, message);
              else if (lvl === kafkaLogLevel.WARN) logger.warn(obj, message);
              else if (lvl === kafkaLogLevel.INFO) logger.info(obj, message);
              else logger.debug(obj, message);
            },
        }),
    retry: { initialRetryTime: 200, retries: 8 },
  });
}
