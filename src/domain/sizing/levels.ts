/**
 * Geohash levels: per length, the time bucket of the partition key, the TTL of the table and how
 * far back a search looks. Bigger cells (shorter hashes) get less time: they fill faster.
 */
/** One geohash length as stored and searched. */
export interface LevelSpec {
  readonly length: number;
  readonly bucketMs: number;
  readonly ttlSeconds: number;
  readonly horizonMs: number;
}

/** Ordered longest length first, which is the search order. */
export type LevelLayout = readonly LevelSpec[];

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

/** Starts of the buckets overlapping [fromMs, toMs], newest first: the partitions a read touches. */
export function bucketsInRange(fromMs: number, toMs: number, bucketMs: number): number[] {
  const newest = bucketStart(toMs, bucketMs);
  const oldest = bucketStart(Math.min(fromMs, toMs), bucketMs);
  const out: number[] = [];
  for (let b = newest; b >= oldest; b -= bucketMs) out.push(b);
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
