/**
 * The time window a query asks for and the one a geohash length can serve: each length keeps rows
 * only for its TTL, so a window reaching further back is clipped, and the answer says so.
 */
import { bucketStart, type LevelSpec } from "../sizing/levels.js";

/** A closed time window [fromMs, toMs] in epoch milliseconds. */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** What a query answers when the caller gives no window: the last hour. */
export const DEFAULT_WINDOW_MS = 3_600_000;

/** The window of a request, `from`/`to` defaulting to the last hour before `nowMs`. */
export function requestedWindow(
  fromMs: number | undefined,
  toMs: number | undefined,
  nowMs: number,
): TimeWindow {
  const to = toMs ?? (fromMs === undefined ? nowMs : Math.max(nowMs, fromMs));
  return { fromMs: fromMs ?? to - DEFAULT_WINDOW_MS, toMs: to };
}

/**
 * The part of `window` a length still holds at `nowMs`: rows live `ttlSeconds` after they are
 * written, so nothing older than now - TTL is served. Undefined when nothing of it is left.
 */
export function servedWindow(
  window: TimeWindow,
  ttlSeconds: number,
  nowMs: number,
): TimeWindow | undefined {
  const fromMs = Math.max(window.fromMs, nowMs - ttlSeconds * 1000);
  return fromMs > window.toMs ? undefined : { fromMs, toMs: window.toMs };
}

/** Bucket starts of `level` overlapping the window, newest first: the partitions per cell. */
export function bucketsBetween(window: TimeWindow, level: Pick<LevelSpec, "bucketMs">): number[] {
  const out: number[] = [];
  const oldest = bucketStart(window.fromMs, level.bucketMs);
  for (let b = bucketStart(window.toMs, level.bucketMs); b >= oldest; b -= level.bucketMs) {
    out.push(b);
  }
  return out;
}

/** How many buckets of `bucketMs` the window overlaps, without listing them. */
export function bucketCount(window: TimeWindow, bucketMs: number): number {
  return (bucketStart(window.toMs, bucketMs) - bucketStart(window.fromMs, bucketMs)) / bucketMs + 1;
}

/**
 * Times a query may name: 1970-01-01 up to (not including) 2100-01-01 UTC. Nothing is stored
 * outside it, every bucket and ISO-8601 text of it is exact, and a far-future time (9e15 ms is
 * past what a Date can print) is a 400 naming the parameter, never a failure while answering.
 */
export const QUERY_TIME_MIN_MS = 0;
export const QUERY_TIME_MAX_MS = Date.UTC(2100, 0, 1) - 1;
