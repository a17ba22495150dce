/**
 * Planning a bounding-box read over the per-length tables: which stored length to cover the box
 * with so the number of (cell, bucket) partitions stays bounded, the exact inside test applied to
 * every row read, and the children of a cell at a finer length (to total whole cells).
 */
import { boxCellCount, type Box } from "../geo/cover.js";
import { columnCount, columnOf, gridShape, rowOf } from "../geo/grid.js";
import type { LevelLayout, LevelSpec } from "../sizing/levels.js";
import { bucketCount, servedWindow, type TimeWindow } from "./query-window.js";

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/**
 * Covers with at most this many cells are preferred: a box spanning about 16 x 16 cells reads
 * few rows outside itself (its edge cells) without paying a partition read per tiny cell.
 */
export const COVER_CELL_TARGET = 256;

/** Whether the point lies in the box, edges included; `west > east` wraps across lon ±180. */
export function boxContains(box: Box, lat: number, lon: number): boolean {
  if (lat < box.south || lat > box.north) return false;
  return box.west <= box.east
    ? lon >= box.west && lon <= box.east
    : lon >= box.west || lon <= box.east;
}

/** Whether the whole cell lies in the box, so its rows need no per-row test. */
export function boxHoldsCell(
  box: Box,
  cell: { south: number; west: number; north: number; east: number },
): boolean {
  if (cell.south < box.south || cell.north > box.north) return false;
  if (box.west <= box.east) return cell.west >= box.west && cell.east <= box.east;
  return cell.west >= box.west || cell.east <= box.east;
}

/** The cost of reading a box at one length over a window: cells x buckets partitions. */
export interface LengthCost {
  readonly level: LevelSpec;
  readonly window: TimeWindow;
  readonly cells: number;
  readonly buckets: number;
  readonly partitions: number;
}

/** The read chosen for a box, or why there is none and what to do about it. */
export type CoverDecision =
  | { readonly ok: true; readonly cost: LengthCost }
  | { readonly ok: false; readonly reason: "too_large" | "expired"; readonly message: string };

/** What each stored length would cost for this box and window (lengths whose TTL left nothing are omitted). */
export function lengthCosts(
  box: Box,
  window: TimeWindow,
  layout: LevelLayout,
  nowMs: number,
): LengthCost[] {
  const out: LengthCost[] = [];
  for (const level of [...layout].sort((a, b) => b.length - a.length)) {
    const served = servedWindow(window, level.ttlSeconds, nowMs);
    if (served === undefined) continue;
    const cells = boxCellCount(box, level.length);
    const buckets = bucketCount(served, level.bucketMs);
    out.push({ level, window: served, cells, buckets, partitions: cells * buckets });
  }
  return out;
}

/**
 * The length to read a box's events from: the finest stored length covering the box with at most
 * COVER_CELL_TARGET cells within `maxPartitions`; failing that, the cheapest within it. Every
 * stored length holds every event, so any of them answers exactly; finer ones read fewer rows
 * outside the box and keep rows longer.
 */
export function chooseCoverLength(
  box: Box,
  window: TimeWindow,
  layout: LevelLayout,
  nowMs: number,
  maxPartitions: number,
): CoverDecision {
  const costs = lengthCosts(box, window, layout, nowMs);
  if (costs.length === 0) {
    const longest = Math.max(...layout.map((l) => l.ttlSeconds));
    return {
      ok: false,
      reason: "expired",
      message: `the window ends before the oldest data any length keeps (${longest} s): move 'to' later`,
    };
  }
  const preferred = costs.find(
    (c) => c.cells <= COVER_CELL_TARGET && c.partitions <= maxPartitions,
  );
  if (preferred !== undefined) return { ok: true, cost: preferred };
  const cheapest = costs.reduce((a, b) => (b.partitions < a.partitions ? b : a));
  if (cheapest.partitions <= maxPartitions) return { ok: true, cost: cheapest };
  return { ok: false, reason: "too_large", message: tooLargeMessage(cheapest, maxPartitions) };
}

/** Says how far to narrow the box or shorten the window to fit the partition budget. */
export function tooLargeMessage(cost: LengthCost, maxPartitions: number): string {
  const factor = cost.partitions / maxPartitions;
  const boxShrink = Math.sqrt(factor);
  const windowHint =
    cost.buckets > 1
      ? ` or a window under ${Math.max(1, Math.floor(cost.buckets / factor))} buckets of ${cost.level.bucketMs / 60_000} min`
      : "";
  return (
    `query too large: the box covers ${cost.cells} cells of geohash length ${cost.level.length} ` +
    `over ${cost.buckets} time bucket(s) = ${cost.partitions} partitions, more than the limit of ` +
    `${maxPartitions} (API_MAX_PARTITIONS). Narrow the box about ${boxShrink.toFixed(1)}x in each ` +
    `direction${windowHint}`
  );
}

/** Every cell of `length` inside `cell` (itself when the lengths are equal), in hash order. */
export function childCells(cell: string, length: number): string[] {
  if (length < cell.length) throw new RangeError(`length ${length} is shorter than cell ${cell}`);
  let out = [cell];
  for (let l = cell.length; l < length; l++) {
    out = out.flatMap((prefix) => Array.from(BASE32, (c) => prefix + c));
  }
  return out;
}

/** The box grown to the edges of the cells of `length` it touches: the area their clusters total. */
export function snapToCells(box: Box, length: number): Box {
  const shape = gridShape(length);
  const south = -90 + rowOf(box.south, shape) * shape.heightDeg;
  const north = -90 + (rowOf(box.north, shape) + 1) * shape.heightDeg;
  if (columnCount(box.west, box.east, shape) >= shape.columns) {
    return { south, west: -180, north, east: 180 };
  }
  const west = -180 + columnOf(box.west, shape) * shape.widthDeg;
  const east = -180 + (columnOf(box.east, shape) + 1) * shape.widthDeg;
  return { south, west, north, east };
}
