/** Reads the alert topic from the beginning and counts alerts per event id. */
import { setTimeout as sleep } from "node:timers/promises";
import type { Consumer, Kafka } from "kafkajs";

export class AlertCounter {
  readonly perEvent = new Map<string, number>();
  lastArrivalMs = Date.now();
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    groupId: string,
  ) {
    this.consumer = kafka.consumer({ groupId });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    // A topic made a moment ago may not be in every broker's metadata yet: a retriable error.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
        break;
      } catch (err) {
        if ((err as { retriable?: unknown }).retriable !== true || attempt >= 8) throw err;
        await sleep(500 * attempt);
      }
    }
    await this.consumer.run({
      eachMessage: ({ message }) => {
        const id = (
          JSON.parse(message.value?.toString("utf8") ?? "{}") as { event?: { id?: string } }
        ).event?.id;
        if (id !== undefined) this.perEvent.set(id, (this.perEvent.get(id) ?? 0) + 1);
        this.lastArrivalMs = Date.now();
        return Promise.resolve();
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
