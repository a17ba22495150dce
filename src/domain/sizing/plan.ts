/**
 * The partition arithmetic of the source article as a table a person can read: per geohash
 * length, how many cells there are, how fast one fills (uniform and hottest), and the bucket,
 * horizon and TTL sizing.ts would choose. Built from the sizing functions, not a copy of them.
 */
import { partitionBytesAfter, perCellRate, secondsToFill, sizeLayout } from "./sizing.js";

/** The traffic a plan is made for; `hotCellShare` 1/32 is uniform traffic. */
export interface PlanBasis {
  readonly eventsPerSecond: number;
  readonly rowBytes: number;
  readonly partitionBytes: number;
  readonly hotCellShare: number;
  readonly lengths: readonly number[];
}

/** Share of a parent's traffic its hottest child takes under uniform traffic. */
export const UNIFORM_SHARE = 1 / 32;

/** One length of a plan; bucket, horizon and TTL are null when a partition fills in under a minute. */
export interface PlanLevel {
  readonly length: number;
  readonly cells: number;
  readonly eventsPerSecondPerCell: { readonly uniform: number; readonly hot: number };
  readonly fillSeconds: { readonly uniform: number; readonly hot: number };
  readonly bucketMs: number | null;
  readonly horizonMs: number | null;
  readonly ttlSeconds: number | null;
  /** Bytes the hottest partition holds after one full bucket (the check that the bucket is safe). */
  readonly hotPartitionBytes: number | null;
  /** Why no bucket fits, when none does. */
  readonly problem?: string;
}

/** The plan, longest length first (the layout's order). */
export function planLevels(basis: PlanBasis): PlanLevel[] {
  return [...basis.lengths]
    .sort((a, b) => b - a)
    .map((length) => {
      const { eventsPerSecond: rate, rowBytes, partitionBytes, hotCellShare: share } = basis;
      const common = {
        length,
        cells: 32 ** length,
        eventsPerSecondPerCell: {
          uniform: perCellRate(rate, length),
          hot: perCellRate(rate, length, share),
        },
        fillSeconds: {
          uniform: secondsToFill(partitionBytes, rowBytes, rate, length),
          hot: secondsToFill(partitionBytes, rowBytes, rate, length, share),
        },
      };
      try {
        const [spec] = sizeLayout({ ...basis, lengths: [length] });
        if (spec === undefined) throw new RangeError("no level sized");
        return {
          ...common,
          bucketMs: spec.bucketMs,
          horizonMs: spec.horizonMs,
          ttlSeconds: spec.ttlSeconds,
          hotPartitionBytes: partitionBytesAfter(spec.bucketMs, rowBytes, rate, length, share),
        };
      } catch (err) {
        return {
          ...common,
          bucketMs: null,
          horizonMs: null,
          ttlSeconds: null,
          hotPartitionBytes: null,
          problem: err instanceof Error ? err.message : String(err),
        };
      }
    });
}

/** Partition sizes observed for one table (bytes), and whether the layout keeps them under target. */
export interface ObservedTable {
  readonly table: string;
  readonly meanBytes: number | undefined;
  readonly maxBytes: number | undefined;
  readonly partitions: number;
}

export type PartitionVerdict = "under" | "over" | "no data";

/** The verdict on one table: its largest partition against the target. */
export function partitionVerdict(t: ObservedTable, targetBytes: number): PartitionVerdict {
  if (t.maxBytes === undefined || t.partitions === 0) return "no data";
  return t.maxBytes <= targetBytes ? "under" : "over";
}

/** A duration for people: the largest unit that keeps the number readable. */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "never";
  const units: [string, number][] = [
    ["years", 365.25 * 86_400],
    ["days", 86_400],
    ["h", 3_600],
    ["min", 60],
  ];
  for (const [unit, size] of units) {
    if (seconds >= size) {
      return `${(seconds / size).toFixed(1)} ${unit}`;
    }
  }
  return `${seconds.toFixed(1)} s`;
}
