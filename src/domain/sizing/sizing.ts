/**
 * Partition sizing arithmetic: how fast a (cell, time bucket) partition of each geohash length
 * fills, so buckets, horizons and TTLs come from a stated basis instead of guesses.
 *
 * Clumping model: `hotCellShare` is the share of a parent cell's traffic that its hottest child
 * cell receives, applied once per geohash character. The hottest length-L cell therefore gets
 * R * share^L events per second (share 1/32 is uniform; 0.4 puts 40% of the world's traffic in one
 * length-1 cell, 16% in one length-2 cell, 0.07% in one 38 m length-8 cell). It is never below
 * the uniform R / 32^L and never above the whole rate R. Sizes are decimal: 1 MB = 10^6 bytes.
 */
import type { LevelLayout, LevelSpec } from "./levels.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Bucket/horizon durations a person can reason about, ascending; all whole minutes for TWCS. */
export const NICE_DURATIONS_MS: readonly number[] = [
  ...[1, 2, 5, 10, 15, 30].map((m) => m * MINUTE_MS),
  ...[1, 2, 3, 4, 6, 12].map((h) => h * HOUR_MS),
  ...[1, 7, 30].map((d) => d * DAY_MS),
];

/** The farthest back a search looks at any length: beyond a day "recent" stops meaning recent. */
export const MAX_HORIZON_MS = DAY_MS;

/** Extra TTL beyond horizon + bucket: how far the consumer may lag and still find its neighbours. */
export const LAG_ALLOWANCE_MS = HOUR_MS;

function requirePositive(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0)
    throw new RangeError(`${name} must be a positive number, got ${v}`);
}

function requireLength(length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > 12) {
    throw new RangeError(`geohash length must be an integer in 0..12, got ${length}`);
  }
}

/** Events per second landing in one cell of `length`: uniform, or the hottest cell under clumping. */
export function perCellRate(
  eventsPerSecond: number,
  length: number,
  hotCellShare?: number,
): number {
  requireLength(length);
  if (!Number.isFinite(eventsPerSecond) || eventsPerSecond < 0) {
    throw new RangeError(`eventsPerSecond must be a non-negative number, got ${eventsPerSecond}`);
  }
  const uniform = eventsPerSecond / 32 ** length;
  if (hotCellShare === undefined) return uniform;
  requirePositive("hotCellShare", hotCellShare);
  const hot = eventsPerSecond * hotCellShare ** length;
  return Math.min(eventsPerSecond, Math.max(uniform, hot));
}

/** Seconds until one partition of `length` reaches `partitionBytes`; bounds that length's bucket. */
export function secondsToFill(
  partitionBytes: number,
  rowBytes: number,
  eventsPerSecond: number,
  length: number,
  hotCellShare?: number,
): number {
  requirePositive("partitionBytes", partitionBytes);
  requirePositive("rowBytes", rowBytes);
  const rate = perCellRate(eventsPerSecond, length, hotCellShare);
  return rate === 0 ? Number.POSITIVE_INFINITY : partitionBytes / (rowBytes * rate);
}

/** Bytes one partition of `length` holds after a full bucket; the check that a bucket is safe. */
export function partitionBytesAfter(
  bucketMs: number,
  rowBytes: number,
  eventsPerSecond: number,
  length: number,
  hotCellShare?: number,
): number {
  requirePositive("bucketMs", bucketMs);
  requirePositive("rowBytes", rowBytes);
  return (bucketMs / 1000) * rowBytes * perCellRate(eventsPerSecond, length, hotCellShare);
}

/** The largest nice duration not above `ms`, or undefined when even one minute is too long. */
export function niceDurationFloor(ms: number): number | undefined {
  let best: number | undefined;
  for (const d of NICE_DURATIONS_MS) if (d <= ms) best = d;
  return best;
}

/**
 * Derives a layout from a traffic basis: bucket = fill time rounded down to a nice duration and
 * capped at MAX_HORIZON_MS; horizon = bucket (so a search reads at most two buckets per length);
 * TTL = horizon + bucket + LAG_ALLOWANCE_MS. Fill time shrinks as cells grow, so buckets, horizons
 * and TTLs shrink too: decreasing time with increasing space. Throws if a length fills a
 * partition in under a minute (use longer lengths or a larger partition target).
 */
export function sizeLayout(basis: {
  eventsPerSecond: number;
  rowBytes: number;
  partitionBytes: number;
  hotCellShare: number;
  lengths: readonly number[];
}): LevelLayout {
  const lengths = [...basis.lengths].sort((a, b) => b - a);
  const specs: LevelSpec[] = lengths.map((length) => {
    if (length < 1) throw new RangeError(`geohash length must be in 1..12, got ${length}`);
    const fillMs =
      secondsToFill(
        basis.partitionBytes,
        basis.rowBytes,
        basis.eventsPerSecond,
        length,
        basis.hotCellShare,
      ) * 1000;
    const bucketMs = niceDurationFloor(Math.min(fillMs, MAX_HORIZON_MS));
    if (bucketMs === undefined) {
      throw new RangeError(
        `geohash length ${length} fills a ${basis.partitionBytes}-byte partition in ${Math.round(fillMs / 1000)} s, under the 1-minute minimum bucket`,
      );
    }
    const horizonMs = bucketMs;
    const ttlSeconds = Math.ceil((horizonMs + bucketMs + LAG_ALLOWANCE_MS) / 1000);
    return { length, bucketMs, ttlSeconds, horizonMs };
  });
  return specs;
}
