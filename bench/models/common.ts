/**
 * What the single-table comparison models share: their one time bucket, the geohash prefix
 * columns, row decoding and the CQL options of their tables.
 */
import type cassandra from "cassandra-driver";
import { encode } from "../../src/domain/geo.js";
import type { LevelLayout, LevelSpec } from "../../src/domain/levels.js";
import type { Candidate } from "../../src/domain/neighbours.js";

/** Longest geohash stored by the single-table models (their g8 column). */
export const FULL_LENGTH = 8;

/**
 * The single-table models partition by (g1, bucket): every event of a length-1 cell lands in one
 * partition per bucket, so only the shortest bucket of the layout keeps those partitions
 * bounded. Their TTL covers the longest horizon a search may read.
 */
export function singleTableLevel(layout: LevelLayout): LevelSpec {
  const shortest = layout.at(-1);
  if (shortest === undefined) throw new Error("layout has no levels");
  const longest = layout.reduce((a, b) => (b.horizonMs > a.horizonMs ? b : a), shortest);
  return { ...shortest, ttlSeconds: longest.ttlSeconds, horizonMs: longest.horizonMs };
}

/** Geohash prefixes g1..g8 of an event, from its hash (computed again when it is shorter). */
export function prefixes(lat: number, lon: number, hash: string): string[] {
  const full = hash.length >= FULL_LENGTH ? hash : encode(lat, lon, FULL_LENGTH);
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
