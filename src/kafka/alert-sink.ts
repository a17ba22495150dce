import { busError } from "./errors.js";
import type { Producer } from "kafkajs";
import type { AnomalyAlert } from "../domain/detect/alert.js";
import type { AlertSink } from "../pipeline/ports.js";

/**
 * Publishes alerts as JSON keyed by their coarse geohash region, waiting for
 * all in-sync replicas (acks -1). Headers carry the schema version and the
 * event id so consumers can route and deduplicate without parsing.
 */
export class KafkaAlertSink implements AlertSink {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async publish(alerts: readonly AnomalyAlert[]): Promise<void> {
    await this.producer
      .send({
        topic: this.topic,
        acks: -1,
        messages: alerts.map((alert) => ({
          key: alert.region,
          value: JSON.stringify(alert),
          headers: {
            "content-type": "application/json",
            "schema-version": String(alert.schemaVersion),
            "event-id": alert.event.id,
          },
        })),
      })
      .catch((err: unknown) => {
        throw busError(err);
      });
  }
}
