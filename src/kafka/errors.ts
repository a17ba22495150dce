/**
 * kafkajs errors as the product's errors: publishing alerts or dead letters failed, retriable
 * when kafkajs says so (leader elections, timeouts, lost connections).
 */
import kafkajs from "kafkajs";
import { GeoAnomalyError } from "../errors.js";

export function busError(err: unknown): GeoAnomalyError {
  if (err instanceof GeoAnomalyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GeoAnomalyError("BUS_PUBLISH_FAILED", `Kafka publish failed: ${message}`, {
    cause: err,
    retriable: err instanceof kafkajs.KafkaJSError ? err.retriable : false,
  });
}

/**
 * Broker answers that are part of normal operation while a group forms or leadership moves:
 * kafkajs retries them itself and logs them as errors; they are debug noise, not problems.
 */
const TRANSIENT_LOG_PATTERNS = [
  /group coordinator is not available/i,
  /coordinator is loading/i,
  /not the leader for that topic-partition/i,
  /no leader for this topic-partition/i,
  /leadership election/i,
  /rebalance in progress/i,
];

/** Whether a kafkajs ERROR log entry is a transient, retried condition (logged at debug instead). */
export function isTransientKafkaLog(log: {
  readonly message?: unknown;
  readonly error?: unknown;
}): boolean {
  const text = [log.message, log.error]
    .map((v) => (typeof v === "string" ? v : v instanceof Error ? v.message : ""))
    .join(" ");
  return TRANSIENT_LOG_PATTERNS.some((p) => p.test(text));
}
