/**
 * Record batches in Kafka's wire format, built and decoded by kafkajs's own protocol code, so the
 * tests exercise exactly what the consumer runs on a fetch response (kafkajs is pinned: a new
 * version whose internals moved fails these tests rather than the detector).
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface Encoded {
  readonly buffer: Buffer;
}
type RecordFn = (r: { offsetDelta: number; key: Buffer | null; value: Buffer | null }) => Encoded;
type RecordBatchFn = (b: {
  compression: number;
  firstOffset: unknown;
  lastOffsetDelta: number;
  records: Encoded[];
}) => Promise<Encoded>;

const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0/index.js") as {
  RecordBatch: RecordBatchFn;
};
const Record = require("kafkajs/src/protocol/recordBatch/record/v0/index.js") as RecordFn;
const Long = require("kafkajs/src/utils/long.js") as { fromValue(v: string): unknown };
const Decoder = require("kafkajs/src/protocol/decoder.js") as new (b: Buffer) => unknown;
const decodeMessages = require("kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js") as (
  d: unknown,
) => Promise<FetchedMessage[]>;

/** A message as kafkajs's fetch decoding yields it. */
export interface FetchedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, unknown>;
}

/** One v2 record batch of `values` from `firstOffset`, compressed with codec `compression`. */
export async function recordBatch(
  firstOffset: number,
  values: readonly string[],
  compression = 0,
): Promise<Buffer> {
  const records = values.map((v, i) =>
    Record({ offsetDelta: i, key: Buffer.from(`k${i}`), value: Buffer.from(v) }),
  );
  const batch = await RecordBatch({
    compression,
    firstOffset: Long.fromValue(String(firstOffset)),
    lastOffsetDelta: values.length - 1,
    records,
  });
  return batch.buffer;
}

/** Where a batch's (compressed) records start, after the 61-byte header, and its codec bits. */
export const RECORDS_AT = 61;
export const ATTRIBUTES_LOW_BYTE_AT = 22;

/** A copy of `batch` with its compressed payload overwritten from byte `from` on by `garbage`. */
export function corrupt(batch: Buffer, garbage: Buffer, from = RECORDS_AT): Buffer {
  const out = Buffer.from(batch);
  garbage.copy(out, from, 0, Math.min(garbage.length, out.length - from));
  return out;
}

/** Decodes batches as one partition's record set of a fetch response, the way the consumer does. */
export function fetchDecode(batches: readonly Buffer[]): Promise<FetchedMessage[]> {
  const set = Buffer.concat(batches);
  const size = Buffer.alloc(4);
  size.writeInt32BE(set.length);
  return decodeMessages(new Decoder(Buffer.concat([size, set])));
}
