/**
 * What to do with a record batch the detector cannot decode, decided without I/O. kafkajs decodes
 * a whole fetch response at once: a codec that throws fails every partition of that broker and
 * says neither which partition nor which offsets, so the consumer crashes and, restarted, fetches
 * the same batch again. Instead the codec answers a batch it cannot decode with placeholder
 * records at the batch's own offsets; the consumer loop dead-letters their range and moves on.
 */

/** The fields of a v2 record batch header that locate its records (Kafka's DefaultRecordBatch). */
export interface BatchHeader {
  readonly magic: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly recordCount: number;
}

export type UndecodableDecision =
  | {
      readonly action: "placeholders";
      /** As many placeholders as the batch has records: kafkajs reads exactly that many. */
      readonly count: number;
      readonly lastOffsetDelta: number;
      readonly detail: string;
    }
  | { readonly action: "fail"; readonly detail: string };

/** Placeholders cost 8 bytes each: more than this many records is not worth skipping blind. */
export const MAX_PLACEHOLDERS = 4_000_000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Given why a batch failed to decode and its header (undefined when it could not be read), either
 * placeholders for its offsets or a failure naming why it cannot be skipped safely. A header that
 * contradicts the batch (another codec, another format, no offsets) is not trusted to skip by.
 */
export function decideUndecodable(
  error: unknown,
  header: BatchHeader | undefined,
  codecId: number,
  codecName: string,
  maxPlaceholders = MAX_PLACEHOLDERS,
): UndecodableDecision {
  const why = `${codecName} batch could not be decoded: ${message(error)}`;
  if (header === undefined)
    return { action: "fail", detail: `${why}; its offsets are unknown, so it cannot be skipped` };
  if (header.magic !== 2 || (header.attributes & 7) !== codecId)
    return {
      action: "fail",
      detail: `${why}; its header (magic ${header.magic}, attributes ${header.attributes}) does not match it`,
    };
  if (header.recordCount < 1 || header.lastOffsetDelta < 0)
    return {
      action: "fail",
      detail: `${why}; its header declares ${header.recordCount} records up to offset delta ${header.lastOffsetDelta}`,
    };
  if (header.recordCount > maxPlaceholders)
    return {
      action: "fail",
      detail: `${why}; its ${header.recordCount} records are more than ${maxPlaceholders} placeholders`,
    };
  return {
    action: "placeholders",
    count: header.recordCount,
    lastOffsetDelta: header.lastOffsetDelta,
    detail: `${why} (${header.recordCount} records)`,
  };
}

/** A run of fetched messages: ordinary records, or the placeholders of one undecodable batch. */
export type BatchSegment<M, U> =
  | { readonly kind: "records"; readonly messages: readonly M[] }
  | {
      readonly kind: "undecodable";
      readonly batch: U;
      readonly firstOffset: string;
      readonly lastOffset: string;
    };

/**
 * Splits a partition's fetched messages, in offset order, into runs of records and the offset
 * range of each undecodable batch (`lookup` recognises a placeholder and names its batch).
 */
export function segmentMessages<M extends { readonly offset: string }, U extends object>(
  messages: readonly M[],
  lookup: (m: M) => U | undefined,
): BatchSegment<M, U>[] {
  const out: BatchSegment<M, U>[] = [];
  let records: M[] = [];
  let current: { batch: U; firstOffset: string; lastOffset: string } | undefined;
  const close = (): void => {
    if (records.length > 0) out.push({ kind: "records", messages: records });
    records = [];
    if (current !== undefined) out.push({ kind: "undecodable", ...current });
    current = undefined;
  };
  for (const m of messages) {
    const batch = lookup(m);
    if (batch === undefined) {
      if (current !== undefined) close();
      records.push(m);
    } else if (current?.batch === batch) {
      current.lastOffset = m.offset;
    } else {
      close();
      current = { batch, firstOffset: m.offset, lastOffset: m.offset };
    }
  }
  close();
  return out;
}
