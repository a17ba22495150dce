/**
 * Placeholder records for a batch the detector cannot decode: as many as the batch has records,
 * at its own offsets, so kafkajs hands them to the consumer loop like any record and the loop
 * dead-letters their range (see batch-recovery.ts). A placeholder is recognised by the memory it
 * was decoded from, which only this module allocates: no record a producer writes can pass for one.
 */
import type { BatchHeader } from "./batch-recovery.js";

/** A batch the detector could not decode: what the dead letter of its offset range says. */
export interface UndecodableBatch {
  /** The codec named by the batch's attributes, e.g. "snappy" or "codec 6". */
  readonly codec: string;
  readonly detail: string;
  readonly records: number;
  readonly compressedBytes: number;
  /** The first bytes of its compressed records (a copy, at most SAMPLE_BYTES). */
  readonly sample: Buffer;
}

/** How much of an undecodable batch's compressed bytes its dead letter keeps. */
export const SAMPLE_BYTES = 64 * 1024;

/** Bytes of a v2 batch before its records: offset, length, epoch, magic, crc, ..., record count. */
const HEADER_BYTES = 61;
/** Of those, the ones the batch's `length` field counts (everything after offset and length). */
const LENGTH_COUNTED = HEADER_BYTES - 12;

const placeholders = new WeakMap<ArrayBufferLike, UndecodableBatch>();

/**
 * The header of the batch whose records are `records`. kafkajs hands a codec a view into the
 * fetch response, so the header sits just before it; it is trusted only when its length field
 * says the records end where the view ends.
 */
export function headerBefore(records: Buffer): BatchHeader | undefined {
  if (records.byteOffset < HEADER_BYTES) return undefined;
  const h = Buffer.from(records.buffer, records.byteOffset - HEADER_BYTES, HEADER_BYTES);
  if (h.readInt32BE(8) !== LENGTH_COUNTED + records.length) return undefined;
  return {
    magic: h.readInt8(16),
    attributes: h.readInt16BE(21),
    lastOffsetDelta: h.readInt32BE(23),
    recordCount: h.readInt32BE(57),
  };
}

function zigzag(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

function varintLength(u: number): number {
  let bytes = 1;
  for (let v = u >>> 7; v !== 0; v >>>= 7) bytes++;
  return bytes;
}

function writeVarint(buf: Buffer, at: number, u: number): number {
  let v = u;
  while (v > 0x7f) {
    buf[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[at++] = v;
  return at;
}

/**
 * `count` records in Kafka's v2 record format, with offset deltas 0, 1, ... and the last at
 * `lastOffsetDelta`, each with a one-byte key, a null value and no headers; registered so the
 * consumer loop knows them.
 */
export function placeholderRecords(
  count: number,
  lastOffsetDelta: number,
  batch: UndecodableBatch,
): Buffer {
  const delta = (i: number): number =>
    i === count - 1 ? lastOffsetDelta : Math.min(i, lastOffsetDelta);
  // attributes, timestamp delta, offset delta, key length + key byte, null value, no headers
  const body = (i: number): number => 1 + 1 + varintLength(zigzag(delta(i))) + 2 + 1 + 1;
  let size = 0;
  for (let i = 0; i < count; i++) size += varintLength(zigzag(body(i))) + body(i);
  const buf = Buffer.from(new ArrayBuffer(size)); // its own memory: never a pooled slab
  let at = 0;
  for (let i = 0; i < count; i++) {
    at = writeVarint(buf, at, zigzag(body(i)));
    buf[at++] = 0; // attributes
    buf[at++] = 0; // timestamp delta
    at = writeVarint(buf, at, zigzag(delta(i)));
    at = writeVarint(buf, at, zigzag(1));
    buf[at++] = 0; // the key byte
    at = writeVarint(buf, at, zigzag(-1)); // null value
    buf[at++] = 0; // no headers
  }
  placeholders.set(buf.buffer, batch);
  return buf;
}

/** The undecodable batch a fetched message stands for, or undefined for a real record. */
export function undecodableBatchOf(message: {
  readonly key: Buffer | null;
}): UndecodableBatch | undefined {
  return message.key === null ? undefined : placeholders.get(message.key.buffer);
}
