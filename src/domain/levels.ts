/**
 * Geohash levels: per length, the time bucket of the partition key, the TTL of the table and how
 * far back a search looks. Bigger cells (shorter hashes) get less time: they fill faster.
 */
import { sizeLayout } from "./sizing.js";

/** One geohash length as stored and searched. */
export interface LevelSpec {
  readonly length: number;
  readonly bucketMs: number;
  readonly ttlSeconds: number;
  readonly horizonMs: number;
}

/** Ordered longest length first, which is the search order. */
export type LevelLayout = readonly LevelSpec[];

/**
 * What DEFAULT_LAYOUT was sized for: 2,000 events/s worldwide, ~120 bytes per stored row
 * (id, lat, lon, value, time plus Cassandra overhead), a 50 MB (10^6) partition target, and
 * clumping where the hottest child cell takes 40% of its parent's traffic at every length
 * (see sizing.ts). Re-size with sizeLayout when real traffic differs.
 */
export const DEFAULT_LAYOUT_BASIS: {
  eventsPerSecond: number;
  rowBytes: number;
  partitionBytes: number;
  hotCellShare: number;
} = { eventsPerSecond: 2_000, rowBytes: 120, partitionBytes: 50_000_000, hotCellShare: 0.4 };

/**
 * The default levels, derived from DEFAULT_LAYOUT_BASIS by sizeLayout (pinned by a unit test):
 *
 * | length | cell (equator)  | hot cell ev/s | fills 50 MB in | bucket | horizon | TTL      |
 * |--------|-----------------|---------------|----------------|--------|---------|----------|
 * | 8      | 38 m x 19 m     | 1.31          | 3.7 days       | 1 day  | 1 day   | 49 h     |
 * | 7      | 153 m x 152 m   | 3.28          | 1.5 days       | 1 day  | 1 day   | 49 h     |
 * | 6      | 1.2 km x 609 m  | 8.19          | 14.1 h         | 12 h   | 12 h    | 25 h     |
 * | 5      | 4.9 km x 4.9 km | 20.5          | 5.7 h          | 4 h    | 4 h     | 9 h      |
 * | 4      | 39 km x 19.5 km | 51.2          | 2.3 h          | 2 h    | 2 h     | 5 h      |
 * | 3      | 156 km x 156 km | 128           | 54 min         | 30 min | 30 min  | 2 h      |
 * | 2      | 1252 km x 624 km| 320           | 22 min         | 15 min | 15 min  | 90 min   |
 * | 1      | 5009 km x 4993 km| 800          | 8.7 min        | 5 min  | 5 min   | 70 min   |
 *
 * Horizon = bucket, so one search reads at most two buckets per length; TTL = horizon + bucket +
 * 1 h of consumer lag allowance.
 */
export const DEFAULT_LAYOUT: LevelLayout = sizeLayout({
  ...DEFAULT_LAYOUT_BASIS,
  lengths: [8, 7, 6, 5, 4, 3, 2, 1],
});

/** Picks configured lengths out of a base layout, longest first; fails loudly on a typo. */
export function layoutFor(
  lengths: readonly number[],
  base: LevelLayout = DEFAULT_LAYOUT,
): LevelLayout {
  if (lengths.length === 0) throw new Error("no geohash lengths configured; need at least one");
  const seen = new Set<number>();
  const picked: LevelSpec[] = [];
  for (const length of lengths) {
    if (!Number.isInteger(length) || length < 1 || length > 12) {
      throw new Error(`geohash length ${length} is not an integer in 1..12`);
    }
    if (seen.has(length)) throw new Error(`geohash length ${length} is listed twice`);
    seen.add(length);
    const spec = base.find((s) => s.length === length);
    if (spec === undefined) {
      const have = base.map((s) => s.length).join(", ");
      throw new Error(`geohash length ${length} is not in the layout (have ${have})`);
    }
    picked.push(spec);
  }
  return picked.sort((a, b) => b.length - a.length);
}

function isPositiveInteger(v: number): boolean {
  return Number.isSafeInteger(v) && v > 0;
}

/** Lists everything wrong with a layout (empty means usable), so config errors name the rule. */
export function validateLayout(layout: LevelLayout): string[] {
  const problems: string[] = [];
  if (layout.length === 0) return ["layout has no levels"];
  for (const s of layout) {
    const at = `length ${s.length}`;
    if (!Number.isInteger(s.length) || s.length < 1 || s.length > 12) {
      problems.push(`${at}: length must be an integer in 1..12`);
    }
    for (const key of ["bucketMs", "ttlSeconds", "horizonMs"] as const) {
      if (!isPositiveInteger(s[key]))
        problems.push(`${at}: ${key} must be a positive integer, got ${s[key]}`);
    }
    if (s.ttlSeconds * 1000 < s.horizonMs + s.bucketMs) {
      problems.push(
        `${at}: TTL ${s.ttlSeconds} s must cover horizon + bucket (${(s.horizonMs + s.bucketMs) / 1000} s) or searches read expired rows`,
      );
    }
  }
  for (let i = 1; i < layout.length; i++) {
    const longer = layout[i - 1];
    const shorter = layout[i];
    if (longer === undefined || shorter === undefined) continue;
    const pair = `length ${shorter.length} after ${longer.length}`;
    if (shorter.length >= longer.length) {
      problems.push(`${pair}: levels must be strictly longest first without duplicates`);
      continue;
    }
    if (shorter.bucketMs > longer.bucketMs) {
      problems.push(
        `${pair}: bucket ${shorter.bucketMs} ms grows as cells grow (bigger cells fill faster)`,
      );
    }
    if (shorter.horizonMs > longer.horizonMs) {
      problems.push(
        `${pair}: horizon ${shorter.horizonMs} ms grows as cells grow (search time must shrink)`,
      );
    }
    if (shorter.ttlSeconds > longer.ttlSeconds) {
      problems.push(
        `${pair}: TTL ${shorter.ttlSeconds} s grows as cells grow (bigger cells hold more rows)`,
      );
    }
  }
  return problems;
}

/** Start of the bucket holding `timeMs`; floors toward minus infinity so pre-1970 times work. */
export function bucketStart(timeMs: number, bucketMs: number): number {
  if (!isPositiveInteger(bucketMs))
    throw new RangeError(`bucketMs must be a positive integer, got ${bucketMs}`);
  return Math.floor(timeMs / bucketMs) * bucketMs;
}

/** Bucket starts that overlap [timeMs - horizonMs, timeMs], newest first: the partitions to read. */
export function bucketsInWindow(timeMs: number, spec: LevelSpec): number[] {
  const newest = bucketStart(timeMs, spec.bucketMs);
  const oldest = bucketStart(timeMs - spec.horizonMs, spec.bucketMs);
  const out: number[] = [];
  for (let b = newest; b >= oldest; b -= spec.bucketMs) out.push(b);
  return out;
}

/** CQL table for one length; validates so the name is always safe to splice into CQL. */
export function tableName(length: number): string {
  if (!Number.isInteger(length) || length < 1 || length > 12) {
    throw new RangeError(`geohash length ${length} is not an integer in 1..12`);
  }
  return `events_l${length}`;
}

const UNITS = [
  { unit: "DAYS", ms: 86_400_000 },
  { unit: "HOURS", ms: 3_600_000 },
  { unit: "MINUTES", ms: 60_000 },
] as const;

/**
 * TimeWindowCompactionStrategy window equal to the bucket, so each SSTable window holds whole
 * buckets and expires at once. Uses the largest unit that divides the bucket; a bucket that is not
 * whole minutes gets the largest whole number of minutes below it (at least 1).
 */
export function compactionWindow(bucketMs: number): {
  unit: "MINUTES" | "HOURS" | "DAYS";
  size: number;
} {
  if (!isPositiveInteger(bucketMs))
    throw new RangeError(`bucketMs must be a positive integer, got ${bucketMs}`);
  for (const { unit, ms } of UNITS) {
    if (bucketMs % ms === 0) return { unit, size: bucketMs / ms };
  }
  return { unit: "MINUTES", size: Math.max(1, Math.floor(bucketMs / 60_000)) };
}
