/**
 * Writing a batch: every event goes to every stored length, and the rows that land in the same
 * partition (cell × time bucket of one length) are written together, as one mutation, in groups
 * small enough that Cassandra does not warn about the batch size. Pure: no I/O.
 */
import type { GeoEvent } from "./event.js";
import { bucketStart, type LevelLayout } from "./levels.js";

/** Rows of one partition written in one statement. */
export interface PartitionWrite {
  readonly length: number;
  readonly cell: string;
  readonly bucket: number;
  readonly events: readonly GeoEvent[];
}

/**
 * Most rows per write statement: about 5 KiB of rows, Cassandra's default warning threshold for a
 * batch (`batch_size_warn_threshold`), so a hot partition is written in a few statements rather
 * than one that every node logs.
 */
export const MAX_ROWS_PER_WRITE = 40;

/**
 * The partition writes that store `events` at every length of `layout`; `hashes[i]` is the geohash
 * of `events[i]`, at least as long as the longest stored length. Rows keep the batch's order.
 */
export function planWrites(
  events: readonly GeoEvent[],
  hashes: readonly string[],
  layout: LevelLayout,
  maxRows = MAX_ROWS_PER_WRITE,
): PartitionWrite[] {
  const out: PartitionWrite[] = [];
  for (const level of layout) {
    const groups = new Map<string, { cell: string; bucket: number; events: GeoEvent[] }>();
    events.forEach((event, i) => {
      const cell = (hashes[i] ?? "").slice(0, level.length);
      const bucket = bucketStart(event.timeMs, level.bucketMs);
      const key = `${cell}/${bucket}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { cell, bucket, events: [event] });
      else group.events.push(event);
    });
    for (const { cell, bucket, events: rows } of groups.values()) {
      for (let i = 0; i < rows.length; i += maxRows) {
        out.push({ length: level.length, cell, bucket, events: rows.slice(i, i + maxRows) });
      }
    }
  }
  return out;
}
