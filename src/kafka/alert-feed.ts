/**
 * The query API's view of the alert topic: a consumer in a group of its own (one per API process,
 * so every process sees every alert), reading from the topic's end and committing nothing. What it
 * misses while down is not lost to a client: the detector archives each alert before publishing
 * it, and a client's resume reads the archive.
 */
import { randomUUID } from "node:crypto";
import type { Consumer, Kafka } from "kafkajs";
import type { AnomalyAlert } from "../domain/detect/alert.js";
import type { AlertSource } from "../query/alert-hub.js";
import { CONSUMER_FAILOVER, type LogSink } from "./client.js";

export interface AlertFeedOptions {
  readonly topic: string;
  /** Prefix of the per-process group id; a random suffix makes the group the process's own. */
  readonly groupPrefix: string;
  readonly log: LogSink;
}

/** Longest a fetch waits for data before asking again: bounds how long stop() waits, not latency. */
const MAX_WAIT_MS = 1000;

/** An alert as published (JSON of schema/anomaly-alert.v2), or why not. */
export function parseAlert(value: Buffer | null): AnomalyAlert | string {
  if (value === null) return "empty record";
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString("utf8"));
  } catch {
    return "not JSON";
  }
  const a = parsed as Partial<AnomalyAlert> | null;
  const e = a?.event;
  if (
    a?.schemaVersion !== 2 ||
    typeof e?.id !== "string" ||
    typeof e.lat !== "number" ||
    typeof e.lon !== "number" ||
    typeof a.detectedAt !== "string" ||
    !Number.isFinite(Date.parse(a.detectedAt))
  ) {
    return "not an alert of schema version 2 (event id, lat, lon and detectedAt)";
  }
  return a as AnomalyAlert;
}

/** The alert topic as an AlertSource, through kafkajs. */
export class KafkaAlertFeed implements AlertSource {
  private readonly consumer: Consumer;
  private joined = false;
  private skipped = 0;

  constructor(
    kafka: Kafka,
    private readonly opts: AlertFeedOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: `${opts.groupPrefix}-${randomUUID()}`,
      maxWaitTimeInMs: MAX_WAIT_MS,
      allowAutoTopicCreation: false,
      ...CONSUMER_FAILOVER,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      opts.log.warn({ err: payload.error }, "alert feed consumer crashed; kafkajs restarts it");
    });
  }

  get live(): boolean {
    return this.joined;
  }

  async start(deliver: (alert: AnomalyAlert) => void): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.opts.topic, fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          const alert = parseAlert(message.value);
          if (typeof alert === "string") {
            // Not ours to dead-letter: the detector owns the topic. Said once per 1,000.
            if (this.skipped++ % 1000 === 0)
              this.opts.log.warn(
                { partition: batch.partition, offset: message.offset, skipped: this.skipped },
                `alert feed skips a record: ${alert}`,
              );
            continue;
          }
          deliver(alert);
        }
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    this.joined = false;
    await this.consumer.disconnect();
  }
}
