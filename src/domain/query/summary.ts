/**
 * The cluster summary's keys and arithmetic: per cell and per time slot, the events, the anomalies
 * and the position sums of the events, kept for the lengths the cluster zooms need so a zoomed-out
 * map reads a few summary partitions instead of every (cell, bucket) partition of an event table.
 *
 * A summary row is never incremented: it is recomputed from the idempotent event rows (and the
 * idempotent alert archive) of its cell and slot and written whole, so replaying events changes
 * nothing. The source length is the coarsest searched length (every event is stored there); the
 * coarser summary lengths are recomputed from the rows of the next finer one. Pure: no I/O.
 */
import { boxCellCount, cellsInBox, type Box } from "../geo/cover.js";
import { encode } from "../geo/geo.js";
import { cellIndexOf, columnsInRange, gridShape, rowOf } from "../geo/grid.js";
import { bucketStart } from "../sizing/levels.js";
import { bucketCount, type TimeWindow } from "./query-window.js";
import type { CellSums } from "./rollup.js";

/** Time slot of a summary row: the grain of the window a summary answer covers. */
export const SUMMARY_SLOT_MS = 300_000;
/**
 * Time slot of the source length's minute rows: what a recount scans. A touched cell's open
 * minute is recounted, not its whole 5-minute slot, so a recount reads a fifth of the rows; the
 * slot's row is then summed from its five minute rows.
 */
export const MINUTE_SLOT_MS = 60_000;
/** Time bucket of a summary partition (rows of 12 slots). */
export const SUMMARY_BUCKET_MS = 3_600_000;
/** Coarsest summary length; coarser precisions roll up from it at read time (32 rows per cell). */
export const MIN_SUMMARY_LENGTH = 2;
/** Wall-clock grain of the touch log's partitions. */
export const TOUCH_MINUTE_MS = 60_000;
/** How long a touch is kept: how long every roller may be down without a cell left un-summarised. */
export const TOUCH_TTL_SECONDS = 86_400;

/** One summary row: sums over the events of `cell` whose time falls in the slot starting `slot`. */
export interface SummaryRow extends CellSums {
  readonly slot: number;
  readonly anomalies: number;
}

/** A (cell, slot) whose summary must be recomputed: an event of it was stored. */
export interface TouchedPair {
  readonly cell: string;
  readonly slot: number;
}

/** The summary lengths for a source length: the source down to MIN_SUMMARY_LENGTH (coarsest last). */
export function summaryLengths(sourceLength: number): number[] {
  const out: number[] = [];
  for (let l = sourceLength; l >= Math.min(MIN_SUMMARY_LENGTH, sourceLength); l--) out.push(l);
  return out;
}

/**
 * Geohash length of the partition region of a summary row of `length`: two characters shorter, so
 * a partition holds at most 1,024 cells per slot and a cell's children share their parent's
 * partition region (a parent is recomputed from one partition).
 */
export function regionLength(length: number): number {
  return Math.max(1, length - 2);
}

/** Start of the summary slot holding `timeMs`. */
export function slotStart(timeMs: number): number {
  return bucketStart(timeMs, SUMMARY_SLOT_MS);
}

/** Start of the wall-clock minute a touch written at `nowMs` is filed under. */
export function touchMinute(nowMs: number): number {
  return bucketStart(nowMs, TOUCH_MINUTE_MS);
}

/** Start of the minute slot holding `timeMs`. */
export function minuteSlot(timeMs: number): number {
  return bucketStart(timeMs, MINUTE_SLOT_MS);
}

/** The distinct (cell of `sourceLength`, minute slot) pairs of some stored events. */
export function touchedPairs(
  events: readonly { lat: number; lon: number; timeMs: number }[],
  sourceLength: number,
): TouchedPair[] {
  const out = new Map<string, TouchedPair>();
  for (const e of events) {
    const cell = encode(e.lat, e.lon, sourceLength);
    const slot = minuteSlot(e.timeMs);
    out.set(`${cell}/${slot}`, { cell, slot });
  }
  return [...out.values()];
}

/** The distinct (cell, slot) pairs holding some (cell, minute slot) pairs. */
export function slotPairs(minutePairs: readonly TouchedPair[]): TouchedPair[] {
  const out = new Map<string, TouchedPair>();
  for (const p of minutePairs) {
    const slot = slotStart(p.slot);
    out.set(`${p.cell}/${slot}`, { cell: p.cell, slot });
  }
  return [...out.values()];
}

/** The slot rows of `pairs` summed from the minute rows of the same cells (zeros when none). */
export function sumMinutes(
  pairs: readonly TouchedPair[],
  minutes: readonly SummaryRow[],
): SummaryRow[] {
  return sumInto(pairs, minutes, (m) => `${m.cell}/${slotStart(m.slot)}`);
}

/** The distinct parents (one character shorter, same slot) of some pairs. */
export function parentPairs(pairs: readonly TouchedPair[]): TouchedPair[] {
  const out = new Map<string, TouchedPair>();
  for (const p of pairs) {
    if (p.cell.length <= 1) continue;
    const cell = p.cell.slice(0, -1);
    out.set(`${cell}/${p.slot}`, { cell, slot: p.slot });
  }
  return [...out.values()];
}

/**
 * The rows of `parents` summed from the rows of their children (one character longer, same
 * slot). A parent without children gets a row of zeros, so a recount that finds nothing left
 * overwrites what was there.
 */
export function sumChildren(
  parents: readonly TouchedPair[],
  children: readonly SummaryRow[],
): SummaryRow[] {
  return sumInto(parents, children, (c) => `${c.cell.slice(0, -1)}/${c.slot}`);
}

/** Rows of `targets` summed from `parts`, each part added to the target its key names. */
function sumInto(
  targets: readonly TouchedPair[],
  parts: readonly SummaryRow[],
  keyOf: (part: SummaryRow) => string,
): SummaryRow[] {
  const byKey = new Map<
    string,
    { count: number; sumLat: number; sumLon: number; anomalies: number }
  >(targets.map((p) => [`${p.cell}/${p.slot}`, { count: 0, sumLat: 0, sumLon: 0, anomalies: 0 }]));
  for (const c of parts) {
    const acc = byKey.get(keyOf(c));
    if (acc === undefined) continue;
    acc.count += c.count;
    acc.sumLat += c.sumLat;
    acc.sumLon += c.sumLon;
    acc.anomalies += c.anomalies;
  }
  return targets.map((p) => {
    const acc = byKey.get(`${p.cell}/${p.slot}`);
    return { cell: p.cell, slot: p.slot, count: 0, sumLat: 0, sumLon: 0, anomalies: 0, ...acc };
  });
}

/** Groups items by a key, keeping their order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = out.get(k);
    if (group === undefined) out.set(k, [item]);
    else group.push(item);
  }
  return out;
}

/** The window widened to whole slots: what a summary answer covers exactly (closed, ms). */
export function slotWindow(window: TimeWindow): TimeWindow {
  return { fromMs: slotStart(window.fromMs), toMs: slotStart(window.toMs) + SUMMARY_SLOT_MS - 1 };
}

/** What a cluster request reads from the summary: a length, its partitions and slot range. */
export interface SummaryRead {
  /** Summary length read (the precision, or MIN_SUMMARY_LENGTH rolled up). */
  readonly length: number;
  /** Start (ms) of the oldest slot read. */
  readonly fromSlot: number;
  /** Start (ms) of the newest slot read: the open one when the window reaches now. */
  readonly toSlot: number;
  /** Partition regions (cells of regionLength(length) touching the box) and buckets, newest first. */
  readonly partitions: { readonly regions: readonly string[]; readonly buckets: readonly number[] };
}

/** The summary length clusters of `precision` are read from. */
export function summaryLengthFor(precision: number): number {
  return Math.max(precision, MIN_SUMMARY_LENGTH);
}

/** Partitions a summary read of a box and window (already widened to slots) touches, by arithmetic. */
export function summaryPartitions(box: Box, precision: number, window: TimeWindow): number {
  const r = regionLength(summaryLengthFor(precision));
  return boxCellCount(box, r) * bucketCount(window, SUMMARY_BUCKET_MS);
}

/**
 * The summary partitions holding the cells of `precision` that touch the box, over a window
 * already widened to slots: the box's cells at the region length of the length read (a region
 * touching the box holds a cell touching it, and a cell touching it lies in such a region).
 */
export function summaryRead(box: Box, precision: number, window: TimeWindow): SummaryRead {
  const length = summaryLengthFor(precision);
  const regions = cellsInBox(box, regionLength(length)).map((c) => c.hash);
  const buckets: number[] = [];
  const oldest = bucketStart(window.fromMs, SUMMARY_BUCKET_MS);
  for (let b = bucketStart(window.toMs, SUMMARY_BUCKET_MS); b >= oldest; b -= SUMMARY_BUCKET_MS) {
    buckets.push(b);
  }
  return {
    length,
    partitions: { regions: regions.sort(), buckets },
    fromSlot: slotStart(window.fromMs),
    toSlot: slotStart(window.toMs),
  };
}

/**
 * Whether a cell of `length` touches the box, by grid arithmetic: the same cells cellsInBox lists,
 * without listing them (a region's rows include cells outside the box).
 */
export function touchesBox(box: Box, length: number): (cell: string) => boolean {
  const shape = gridShape(length);
  const columns = new Set(columnsInRange(box.west, box.east, shape));
  const south = rowOf(box.south, shape);
  const north = rowOf(box.north, shape);
  return (cell) => {
    const { column, row } = cellIndexOf(cell);
    return row >= south && row <= north && columns.has(column);
  };
}
