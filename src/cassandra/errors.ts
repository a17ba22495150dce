/**
 * Cassandra driver errors as the product's errors: a code for the operation and `retriable`
 * taken from the error's type, so one policy can decide what happens next.
 */
import cassandra from "cassandra-driver";
import { GeoAnomalyError } from "../errors.js";

const codes = cassandra.types.responseErrorCodes;

/** Server answers that a later attempt can get past: timeouts, unavailable replicas, load. */
const TRANSIENT_RESPONSES: ReadonlySet<number> = new Set([
  codes.serverError,
  codes.unavailableException,
  codes.overloaded,
  codes.isBootstrapping,
  codes.truncateError,
  codes.writeTimeout,
  codes.readTimeout,
  codes.readFailure,
  codes.writeFailure,
  codes.unprepared,
]);

/**
 * Whether retrying the same statement can succeed. A socket error (the node's connection closed
 * under the request, as when the node dies) is transient: the driver marks that node down and a
 * retry goes to another coordinator, while a quorum of replicas still answers.
 */
export function isTransientDriverError(err: unknown): boolean {
  if (err instanceof cassandra.errors.ResponseError) return TRANSIENT_RESPONSES.has(err.code);
  if ((err as { isSocketError?: unknown } | null)?.isSocketError === true) return true;
  return (
    err instanceof cassandra.errors.OperationTimedOutError ||
    err instanceof cassandra.errors.NoHostAvailableError ||
    err instanceof cassandra.errors.BusyConnectionError
  );
}

/**
 * The product's error for a failed store operation. Transient failures are retriable; a missing
 * table, a refused login or bad CQL are not (retrying them only delays the pause); a value the
 * driver cannot encode is this event's fault (EVENT_REJECTED), not the store's.
 */
export function storeError(operation: "write" | "read", err: unknown): GeoAnomalyError {
  if (err instanceof GeoAnomalyError) return err;
  if (err instanceof AggregateError) {
    const parts = err.errors.map((e) => storeError(operation, e));
    const rejected = parts.find((p) => p.code === "EVENT_REJECTED");
    if (rejected !== undefined) return rejected;
    return new GeoAnomalyError(
      operation === "write" ? "STORE_WRITE_FAILED" : "STORE_READ_FAILED",
      err.message,
      { cause: err, retriable: parts.every((p) => p.retriable) },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof cassandra.errors.ArgumentError || err instanceof TypeError) {
    return new GeoAnomalyError("EVENT_REJECTED", `the store cannot take this event: ${message}`, {
      cause: err,
    });
  }
  return new GeoAnomalyError(
    operation === "write" ? "STORE_WRITE_FAILED" : "STORE_READ_FAILED",
    `Cassandra ${operation} failed: ${message}`,
    { cause: err, retriable: isTransientDriverError(err) },
  );
}
