/**
 * The article's option 3: one table, one clustering column per geohash length. A search step
 * fixes the cell's prefix columns; the time window needs ALLOW FILTERING inside the partition
 * (time sorts after g8), and cells cannot share one IN, so a step runs one query per cell.
 */
import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../../domain/event.js";
import type { LevelLayout, LevelSpec } from "../../domain/levels.js";
import { bucketStart } from "../../domain/levels.js";
import type { Candidate, SearchStep } from "../../domain/search.js";
import type { ModelStore } from "./model-store.js";
import {
  FULL_LENGTH,
  prefixes,
  runAll,
  singleTableLevel,
  stepBuckets,
  tableOptions,
  toCandidate,
} from "./common.js";

const TABLE = "events_cc";
const G = Array.from({ length: FULL_LENGTH }, (_, i) => `g${i + 1}`);

/** Keyspace-qualified schema of the clustering-columns model. */
export function clusteringColumnsSchema(keyspace: string, level: LevelSpec): string[] {
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${keyspace}.${TABLE} (`,
      ...G.map((g) => `    ${g} text,`),
      `    bucket bigint, time timestamp, id text, lat double, lon double, value double,`,
      `    PRIMARY KEY ((g1, bucket), ${G.slice(1).join(", ")}, time, id)`,
      `) WITH CLUSTERING ORDER BY (${G.slice(1)
        .map((g) => `${g} ASC`)
        .join(", ")}, time DESC, id ASC)`,
      tableOptions(level, "data model clustering-columns (benchmark comparison)"),
    ].join("\n"),
  ];
}

/** Store of the clustering-columns model: one write per event, one read per cell per step. */
export class ClusteringColumnsStore implements ModelStore {
  readonly writesPerEvent = 1;
  private readonly level: LevelSpec;
  private readonly insert: string;
  private readonly selects: string[];

  constructor(
    private readonly client: cassandra.Client,
    private readonly keyspace: string,
    layout: LevelLayout,
    private readonly limit: number,
  ) {
    this.level = singleTableLevel(layout);
    this.insert =
      `INSERT INTO ${keyspace}.${TABLE} (${G.join(", ")}, bucket, time, id, lat, lon, value) ` +
      `VALUES (${G.map(() => "?").join(", ")}, ?, ?, ?, ?, ?, ?)`;
    // selects[L-1]: cells of length L fix g1..gL.
    this.selects = G.map((_, i) => {
      const fixed = G.slice(1, i + 1).map((g) => ` AND ${g} = ?`);
      return (
        `SELECT id, lat, lon, value, time FROM ${keyspace}.${TABLE} WHERE g1 = ? AND bucket IN ?` +
        `${fixed.join("")} AND time >= ? AND time <= ? LIMIT ? ALLOW FILTERING`
      );
    });
  }

  async schema(): Promise<void> {
    await runAll(this.client, clusteringColumnsSchema(this.keyspace, this.level));
  }

  async write(event: GeoEvent): Promise<void> {
    await this.client.execute(this.insert, [
      ...prefixes(event.lat, event.lon),
      bucketStart(event.timeMs, this.level.bucketMs),
      new Date(event.timeMs),
      event.id,
      event.lat,
      event.lon,
      event.value,
    ]);
  }

  statementsFor(step: SearchStep): number {
    return step.cells.length;
  }

  async fetch(step: SearchStep): Promise<readonly Candidate[]> {
    const cql = this.selects[step.length - 1];
    if (cql === undefined) throw new Error(`geohash length ${step.length} is not stored`);
    const buckets = stepBuckets(step, this.level);
    const sets = await Promise.all(
      step.cells.map((cell) => {
        const cols = Array.from({ length: step.length }, (_, i) => cell.slice(0, i + 1));
        const [g1, ...rest] = cols;
        return this.client.execute(cql, [
          g1,
          buckets,
          ...rest,
          new Date(step.fromMs),
          new Date(step.toMs),
          this.limit,
        ]);
      }),
    );
    return sets.flatMap((rs) => rs.rows.map(toCandidate));
  }

  async ping(): Promise<void> {
    await this.client.execute(`SELECT id FROM ${this.keyspace}.${TABLE} LIMIT 1`, [], {
      prepare: false,
    });
  }
}
