/**
 * A lost group coordinator, answered by rejoining. kafkajs 2.2.4 keeps the coordinator it joined
 * through: once that broker dies, every heartbeat and offset commit goes to its dead address
 * (the offset manager reconnects to the same node id) until kafkajs's retries of the whole fetch
 * loop run out, while Kafka has long moved the group to a live broker. A rejoin asks the cluster
 * for the coordinator again. kafkajs rejoins on "not coordinator" errors, so a heartbeat or commit
 * that cannot reach the coordinator is handed to kafkajs as one: measured on a 3-broker cluster,
 * commits stalled 61 s when the coordinator died without this.
 */
import kafkajs from "kafkajs";

// kafkajs is CommonJS and spreads its errors into its exports: reachable from the default export.
const { KafkaJSProtocolError } = kafkajs;

/** The Kafka error kafkajs answers by finding the coordinator again and rejoining. */
const NOT_COORDINATOR = { type: "NOT_COORDINATOR_FOR_GROUP", code: 16 } as const;

/** Errors of a broker connection that was refused or closed (the broker is gone or restarting). */
const UNREACHABLE = new Set(["KafkaJSConnectionError", "KafkaJSConnectionClosedError"]);

/**
 * Whether a heartbeat's or commit's error says the coordinator could not be reached (a refused
 * or closed connection, here or as the cause of kafkajs's "retries exceeded"); not a timeout,
 * which a live but busy coordinator also gives.
 */
export function isCoordinatorUnreachable(error: unknown): boolean {
  let e = error as { name?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; depth < 10 && e !== null && e !== undefined; depth += 1) {
    if (typeof e.name === "string" && UNREACHABLE.has(e.name)) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** `error`, or for an unreachable coordinator a "not coordinator" error that makes kafkajs rejoin. */
export function rejoinOnCoordinatorLoss(error: unknown): unknown {
  if (!isCoordinatorUnreachable(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const rejoin = new KafkaJSProtocolError(`group coordinator unreachable (${message}): rejoining`);
  return Object.assign(rejoin, NOT_COORDINATOR, { retriable: true, cause: error });
}
