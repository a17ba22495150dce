import { busError } from "./errors.js";
import type { Producer } from "kafkajs";
import { sendConfirmed } from "./confirmed-send.js";
import type { AnomalyAlert } from "../domain/detect/alert.js";
import type { AlertSink } from "../pipeline/ports.js";

/**
 * Publishes alerts as JSON keyed by their coarse geohash region, waiting for
 * all in-sync replicas (acks -1). Headers carry the schema version and the
 * event id so consumers can route and deduplicate without parsing. Every partition the alerts go
 * to is confirmed by Kafka's answer (kafkajs can resolve a send that skipped one during a leader
 * change), so no alert is dropped while its event's offset commits.
 */
export class KafkaAlertSink implements AlertSink {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly partitions: number,
  ) {}

  async publish(alerts: readonly AnomalyAlert[]): Promise<void> {
    await sendConfirmed(
      (r) => this.producer.send(r),
      this.topic,
      alerts.map((alert) => ({
        key: alert.region,
        value: JSON.stringify(alert),
        headers: {
          "content-type": "application/json",
          "schema-version": String(alert.schemaVersion),
          "event-id": alert.event.id,
        },
      })),
      this.partitions,
    ).catch((err: unknown) => {
      throw busError(err);
    });
  }
}
