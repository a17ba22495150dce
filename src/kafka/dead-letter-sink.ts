import { CompressionTypes, type Message, type Producer } from "kafkajs";
import type { DeadLetter, DeadLetterSink } from "../pipeline/ports.js";
import {
  DEAD_LETTER_LIMITS,
  deadLetterMessage,
  undecodableBatchMessage,
  type DeadLetterLimits,
  type UndecodableRange,
} from "./dead-letter-message.js";
import { sendConfirmed } from "./confirmed-send.js";
import { busError } from "./errors.js";
import { chunkMessages } from "./request-chunks.js";

export { DLQ_HEADERS, deadLetterMessage } from "./dead-letter-message.js";

/** Where the consumer loop sends the dead letter of a batch it could not decode. */
export interface UndecodableSink {
  /** Resolves once the bus has acknowledged the dead letter of the range. */
  sendUndecodable(range: UndecodableRange): Promise<void>;
}

/** Most bytes (before compression) sent in one request: many dead letters go in several. */
const REQUEST_BYTES = 256 * 1024;

/**
 * Sends records that cannot be processed, and batches that cannot be decoded, to the dead-letter
 * topic: bounded in size, gzip-compressed, acknowledged by all in-sync replicas, every partition
 * confirmed by Kafka's answer (see confirmed-send.ts).
 */
export class KafkaDeadLetterSink implements DeadLetterSink, UndecodableSink {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly limits: DeadLetterLimits = DEAD_LETTER_LIMITS,
  ) {}

  send(letters: readonly DeadLetter[]): Promise<void> {
    return this.sendMessages(letters.map((l) => deadLetterMessage(l, this.limits)));
  }

  sendUndecodable(range: UndecodableRange): Promise<void> {
    return this.sendMessages([undecodableBatchMessage(range, this.limits)]);
  }

  private async sendMessages(messages: readonly Message[]): Promise<void> {
    for (const chunk of chunkMessages(messages, REQUEST_BYTES)) {
      await sendConfirmed((r) => this.producer.send(r), this.topic, chunk, this.partitions, {
        compression: CompressionTypes.GZIP,
      }).catch((err: unknown) => {
        throw busError(err);
      });
    }
  }
}
