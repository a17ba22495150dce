import type { IHeaders, Message, Producer } from "kafkajs";
import type { DeadLetter, DeadLetterSink } from "../pipeline/ports.js";
import { busError } from "./errors.js";

/** Header names a dead letter carries besides the original record's own headers. */
export const DLQ_HEADERS = {
  reason: "dlq-reason",
  detail: "dlq-detail",
  topic: "dlq-source-topic",
  partition: "dlq-source-partition",
  offset: "dlq-source-offset",
  timestamp: "dlq-source-timestamp",
} as const;

/**
 * The dead letter of a record: the same key and bytes, the original headers (those without a
 * value dropped, since they cannot be encoded), plus headers saying why and where from. Pure, so
 * odd keys, headers and values can be tested without a broker.
 */
export function deadLetterMessage({ record, reason, detail }: DeadLetter): Message {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (value !== undefined) headers[name] = value;
  }
  headers[DLQ_HEADERS.reason] = reason;
  headers[DLQ_HEADERS.detail] = detail;
  headers[DLQ_HEADERS.topic] = record.topic;
  headers[DLQ_HEADERS.partition] = String(record.partition);
  headers[DLQ_HEADERS.offset] = record.offset;
  headers[DLQ_HEADERS.timestamp] = String(record.timestampMs);
  return { key: record.key, value: record.value, headers };
}

/** Sends records that cannot be processed to the dead-letter topic (acks from all replicas). */
export class KafkaDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<void> {
    await this.producer
      .send({ topic: this.topic, acks: -1, messages: letters.map(deadLetterMessage) })
      .catch((err: unknown) => {
        throw busError(err);
      });
  }
}
