import type { InboundRecord } from "../../src/pipeline/ports.js";

/** The clock of the batch handler's unit tests: records arrive, and events happen, around it. */
export const NOW = Date.UTC(2026, 10, 21);

/**
 * A record of partition 0 of topic "in" at `offset`, as the consumer hands it to the batch
 * handler: `value` is sent as is when text, as JSON otherwise, and null is a tombstone.
 */
export function inboundRecord(offset: number, value: unknown): InboundRecord {
  return {
    topic: "in",
    partition: 0,
    offset: String(offset),
    timestampMs: NOW,
    key: null,
    value:
      value === null
        ? null
        : Buffer.from(typeof value === "string" ? value : JSON.stringify(value)),
    headers: {},
  };
}
