/**
 * Writing a batch: every event goes to every stored length; the rows that land in the same
 * partition (cell × time bucket of one length) form one mutation, and the mutations whose
 * partitions live on the same replicas travel together in one statement (an unlogged batch, as
 * bulk loaders batch by replica set), so the coordinator is itself a replica of everything it is
 * sent and a batch costs one request, not one per partition. Pure: no I/O.
 */
import type { GeoEvent } from "./event.js";
import { bucketStart, type LevelLayout } from "../sizing/levels.js";

/** Rows of one partition written in one statement. */
export interface PartitionWrite {
  readonly length: number;
  readonly cell: string;
  readonly bucket: number;
  readonly events: readonly GeoEvent[];
}

/**
 * Most rows per write statement by default: about 5 KiB of rows, Cassandra's default warning
 * threshold for a batch's size (`batch_size_warn_threshold`).
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

/**
 * The statements that carry `writes`: partitions with the same replica set (`replicasOf`) packed
 * together, at most `maxRows` rows per statement (a partition is never split across two; planWrites
 * already cut larger ones). Keeps the order of `writes` within each replica set.
 */
export function packWrites(
  writes: readonly PartitionWrite[],
  replicasOf: (write: PartitionWrite) => string,
  maxRows = MAX_ROWS_PER_WRITE,
): PartitionWrite[][] {
  const open = new Map<string, { writes: PartitionWrite[]; rows: number }>();
  const out: PartitionWrite[][] = [];
  for (const w of writes) {
    const key = replicasOf(w);
    let statement = open.get(key);
    if (statement !== undefined && statement.rows + w.events.length > maxRows) {
      out.push(statement.writes);
      statement = undefined;
    }
    if (statement === undefined) open.set(key, (statement = { writes: [], rows: 0 }));
    statement.writes.push(w);
    statement.rows += w.events.length;
  }
  for (const statement of open.values()) out.push(statement.writes);
  return out;
}
