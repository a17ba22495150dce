/**
 * Dead letters as Kafka messages, bounded in size. A dead letter that the broker refuses for its
 * size would stop its partition for good (the same record fails again after every resume), so the
 * key, the value, the copied headers and the detail are each cut to a bound, and a header says
 * what was cut and how large the original was; the source offset still points at the original.
 */
import type { IHeaders, Message } from "kafkajs";
import type { DeadLetter } from "../pipeline/ports.js";
import type { UndecodableBatch } from "./placeholder-records.js";

/** Header names a dead letter carries besides the original record's own headers. */
export const DLQ_HEADERS = {
  reason: "dlq-reason",
  detail: "dlq-detail",
  topic: "dlq-source-topic",
  partition: "dlq-source-partition",
  offset: "dlq-source-offset",
  timestamp: "dlq-source-timestamp",
  /** Undecodable batches: the last offset of the range (the first is `offset`). */
  lastOffset: "dlq-source-last-offset",
  records: "dlq-source-records",
  codec: "dlq-source-codec",
  /** What was cut to fit, comma-separated: key, value, headers, detail. Absent when nothing was. */
  truncated: "dlq-truncated",
  /** Bytes of the original value (of the compressed records, for a batch). */
  originalSize: "dlq-original-size",
} as const;

export interface DeadLetterLimits {
  readonly keyBytes: number;
  readonly valueBytes: number;
  /** The original headers copied, names and values together. */
  readonly headerBytes: number;
  readonly detailChars: number;
}

/** Together about 130 KiB: far below the broker's default 1 MiB message limit. */
export const DEAD_LETTER_LIMITS: DeadLetterLimits = {
  keyBytes: 1024,
  valueBytes: 64 * 1024,
  headerBytes: 64 * 1024,
  detailChars: 1024,
};

/** One undecodable batch of a partition: the dead letter of its whole offset range. */
export interface UndecodableRange {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  readonly batch: UndecodableBatch;
}

function cut(buf: Buffer | null, max: number, name: string, cuts: string[]): Buffer | null {
  if (buf === null || buf.length <= max) return buf;
  cuts.push(name);
  return buf.subarray(0, max);
}

function cutText(text: string, max: number, cuts: string[]): string {
  if (text.length <= max) return text;
  cuts.push("detail");
  return `${text.slice(0, max)}…`;
}

function headerSize(name: string, value: NonNullable<IHeaders[string]>): number {
  const values = Array.isArray(value) ? value : [value];
  return values.reduce((n, v) => n + Buffer.byteLength(v), Buffer.byteLength(name));
}

/**
 * The dead letter of a record: its key and bytes, its headers (those without a value dropped,
 * since they cannot be encoded), plus headers saying why and where from; each part bounded.
 * Pure, so odd keys, headers and values can be tested without a broker.
 */
export function deadLetterMessage(
  { record, reason, detail }: DeadLetter,
  limits: DeadLetterLimits = DEAD_LETTER_LIMITS,
): Message {
  const cuts: string[] = [];
  const headers: IHeaders = {};
  let budget = limits.headerBytes;
  for (const [name, value] of Object.entries(record.headers)) {
    if (value === undefined) continue;
    const size = headerSize(name, value);
    if (size > budget) {
      if (!cuts.includes("headers")) cuts.push("headers");
      continue;
    }
    budget -= size;
    headers[name] = value;
  }
  const key = cut(record.key, limits.keyBytes, "key", cuts);
  const value = cut(record.value, limits.valueBytes, "value", cuts);
  headers[DLQ_HEADERS.reason] = reason;
  headers[DLQ_HEADERS.detail] = cutText(detail, limits.detailChars, cuts);
  headers[DLQ_HEADERS.topic] = record.topic;
  headers[DLQ_HEADERS.partition] = String(record.partition);
  headers[DLQ_HEADERS.offset] = record.offset;
  headers[DLQ_HEADERS.timestamp] = String(record.timestampMs);
  if (record.value !== null) headers[DLQ_HEADERS.originalSize] = String(record.value.length);
  if (cuts.length > 0) headers[DLQ_HEADERS.truncated] = cuts.join(",");
  return { key, value, headers };
}

/**
 * The one dead letter of an undecodable batch: the offset range it covered, why it could not be
 * decoded, and the first bytes of its compressed records (the rest stays in the source topic).
 */
export function undecodableBatchMessage(
  range: UndecodableRange,
  limits: DeadLetterLimits = DEAD_LETTER_LIMITS,
): Message {
  const { batch } = range;
  const cuts: string[] = [];
  const value = cut(batch.sample, limits.valueBytes, "value", cuts);
  if (batch.compressedBytes > (value?.length ?? 0) && !cuts.includes("value")) cuts.push("value");
  const headers: IHeaders = {
    [DLQ_HEADERS.reason]: "undecodable_batch",
    [DLQ_HEADERS.detail]: cutText(batch.detail, limits.detailChars, cuts),
    [DLQ_HEADERS.topic]: range.topic,
    [DLQ_HEADERS.partition]: String(range.partition),
    [DLQ_HEADERS.offset]: range.firstOffset,
    [DLQ_HEADERS.lastOffset]: range.lastOffset,
    [DLQ_HEADERS.records]: String(batch.records),
    [DLQ_HEADERS.codec]: batch.codec,
    [DLQ_HEADERS.originalSize]: String(batch.compressedBytes),
  };
  if (cuts.length > 0) headers[DLQ_HEADERS.truncated] = cuts.join(",");
  return { key: null, value, headers };
}

/** Bytes a message puts on the wire before compression (key, value, header names and values). */
export function messageBytes(m: Message): number {
  const size = (v: Buffer | string | null | undefined): number =>
    v === null || v === undefined ? 0 : Buffer.byteLength(v);
  let n = size(m.key) + size(m.value);
  for (const [name, value] of Object.entries(m.headers ?? {}))
    if (value !== undefined) n += headerSize(name, value);
  return n;
}
