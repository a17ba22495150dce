import type { IHeaders, Producer } from "kafkajs";
import type { DeadLetter, DeadLetterSink } from "../pipeline/ports.js";

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
 * Sends malformed records to the dead-letter topic unchanged (same key and
 * bytes, original headers kept) with headers saying why and where from.
 */
export class KafkaDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<void> {
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map(({ record, reason, detail }) => {
        const headers: IHeaders = { ...record.headers };
        headers[DLQ_HEADERS.reason] = reason;
        headers[DLQ_HEADERS.detail] = detail;
        headers[DLQ_HEADERS.topic] = record.topic;
        headers[DLQ_HEADERS.partition] = String(record.partition);
        headers[DLQ_HEADERS.offset] = record.offset;
        headers[DLQ_HEADERS.timestamp] = String(record.timestampMs);
        return { key: record.key, value: record.value, headers };
      }),
    });
  }
}
