/**
 * The article's option 1: one table partitioned by (g1, bucket), a column per longer geohash
 * length, each with a secondary index. A step reads one cell per statement through the index of
 * its length. Cassandra 5 rejects an indexed select with `bucket IN ?` ("Select on indexed columns
 * and with IN clause for the PRIMARY KEY are not supported"), so the buckets become a range on
 * the partition key, filtered (ALLOW FILTERING) after the index lookup.
 */
import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../../domain/event.js";
import { bucketStart, type LevelLayout, type LevelSpec } from "../../domain/levels.js";
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

const TABLE = "events_si";
const INDEXED = Array.from({ length: FULL_LENGTH - 1 }, (_, i) => `g${i + 2}`);

/** Keyspace-qualified schema: the table, then one CREATE INDEX per indexed length. */
export function secondaryIndexSchema(keyspace: string, level: LevelSpec): string[] {
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${keyspace}.${TABLE} (`,
      `    g1 text, ${INDEXED.map((g) => `${g} text`).join(", ")},`,
      `    bucket bigint, time timestamp, id text, lat double, lon double, value double,`,
      `    PRIMARY KEY ((g1, bucket), time, id)`,
      `) WITH CLUSTERING ORDER BY (time DESC, id ASC)`,
      tableOptions(level, "data model secondary-index (benchmark comparison)"),
    ].join("\n"),
    ...INDEXED.map(
      (g) => `CREATE INDEX IF NOT EXISTS ${TABLE}_${g} ON ${keyspace}.${TABLE} (${g})`,
    ),
  ];
}

/** Store of the secondary-index model: one write per event, one indexed read per cell per step. */
export class SecondaryIndexStore implements ModelStore {
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
    const cols = ["g1", ...INDEXED];
    this.insert =
      `INSERT INTO ${keyspace}.${TABLE} (${cols.join(", ")}, bucket, time, id, lat, lon, value) ` +
      `VALUES (${cols.map(() => "?").join(", ")}, ?, ?, ?, ?, ?, ?)`;
    const from = `SELECT id, lat, lon, value, time FROM ${keyspace}.${TABLE} WHERE g1 = ?`;
    const tail = ` AND time >= ? AND time <= ? LIMIT ?`;
    // selects[L-1]: length 1 needs no index; longer lengths use the index of g<L>.
    this.selects = cols.map((g, i) =>
      i === 0
        ? `${from} AND bucket IN ?${tail}`
        : `${from} AND bucket >= ? AND bucket <= ? AND ${g} = ?${tail} ALLOW FILTERING`,
    );
  }

  async schema(): Promise<void> {
    await runAll(this.client, secondaryIndexSchema(this.keyspace, this.level));
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
    const window = [new Date(step.fromMs), new Date(step.toMs), this.limit];
    const sets = await Promise.all(
      step.cells.map((cell) =>
        this.client.execute(
          cql,
          step.length === 1
            ? [cell, buckets, ...window]
            : [cell.slice(0, 1), buckets.at(-1), buckets[0], cell, ...window],
        ),
      ),
    );
    return sets.flatMap((rs) => rs.rows.map(toCandidate));
  }

  async ping(): Promise<void> {
    await this.client.execute(`SELECT id FROM ${this.keyspace}.${TABLE} LIMIT 1`, [], {
      prepare: false,
    });
  }
}
