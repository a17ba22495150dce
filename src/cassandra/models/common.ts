/**
 * What the single-table data models share: their one time bucket, the geohash prefix columns,
 * row decoding and the CQL options of their tables.
 */
import type cassandra from "cassandra-driver";
import { encode } from "../../domain/geo.js";
import { bucketsInWindow, type LevelLayout, type LevelSpec } from "../../domain/levels.js";
import type { Candidate, SearchStep } from "../../domain/search.js";

/** Longest geohash stored by the single-table models (their g8 column). */
export const FULL_LENGTH = 8;

/**
 * The single-table models partition by (g1, bucket): every event of a length-1 cell lands in one
 * partition per bucket, so only the length-1 bucket (the shortest of the layout) keeps those
 * partitions bounded. A search step then reads every such bucket overlapping its time window.
 */
export function singleTableLevel(layout: LevelLayout): LevelSpec {
  const shortest = layout.at(-1);
  if (shortest === undefined) throw new Error("layout has no levels");
  // The table TTL must cover the longest horizon searched, not the shortest.
  const longest = layout.reduce((a, b) => (b.horizonMs > a.horizonMs ? b : a), shortest);
  return { ...shortest, ttlSeconds: longest.ttlSeconds, horizonMs: longest.horizonMs };
}

/** Bucket starts of the single table overlapping [fromMs, toMs], newest first. */
export function stepBuckets(step: SearchStep, bucket: LevelSpec): number[] {
  return bucketsInWindow(step.toMs, { ...bucket, horizonMs: step.toMs - step.fromMs });
}

/** Geohash prefixes g1..g8 of a point. */
export function prefixes(lat: number, lon: number): string[] {
  const full = encode(lat, lon, FULL_LENGTH);
  return Array.from({ length: FULL_LENGTH }, (_, i) => full.slice(0, i + 1));
}

export function toCandidate(row: cassandra.types.Row): Candidate {
  return {
    id: row["id"] as string,
    lat: row["lat"] as number,
    lon: row["lon"] as number,
    value: row["value"] as number,
    timeMs: (row["time"] as Date).getTime(),
  };
}

/** TTL and compaction of a single table: TWCS windows of the one bucket. */
export function tableOptions(level: LevelSpec, comment: string): string {
  const minutes = Math.max(1, Math.floor(level.bucketMs / 60_000));
  return [
    `    AND default_time_to_live = ${level.ttlSeconds}`,
    `    AND compaction = {'class': 'TimeWindowCompactionStrategy', ` +
      `'compaction_window_unit': 'MINUTES', 'compaction_window_size': ${minutes}}`,
    `    AND comment = '${comment}'`,
  ].join("\n");
}

/** Runs statements one after another (schema changes must not race each other). */
export async function runAll(
  client: cassandra.Client,
  statements: readonly string[],
): Promise<void> {
  for (const cql of statements) await client.execute(cql, [], { prepare: false });
}
