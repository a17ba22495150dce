/**
 * The article's option 4: one table with a single full-length geohash clustering column; a cell
 * of any length is the range [prefix, prefix + '~') of it ('~' sorts after every base-32 digit).
 * Ranges of different cells cannot share a statement, so a step runs one query per cell.
 */
import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../../domain/event.js";
import { bucketStart, type LevelLayout, type LevelSpec } from "../../domain/levels.js";
import type { Candidate, SearchStep } from "../../domain/search.js";
import type { ModelStore } from "./model-store.js";
import {
  prefixes,
  runAll,
  singleTableLevel,
  stepBuckets,
  tableOptions,
  toCandidate,
} from "./common.js";

const TABLE = "events_pr";

/** Keyspace-qualified schema of the prefix-range model. */
export function prefixRangeSchema(keyspace: string, level: LevelSpec): string[] {
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${keyspace}.${TABLE} (`,
      `    g1 text, g8 text, bucket bigint, time timestamp, id text,`,
      `    lat double, lon double, value double,`,
      `    PRIMARY KEY ((g1, bucket), g8, time, id)`,
      `) WITH CLUSTERING ORDER BY (g8 ASC, time DESC, id ASC)`,
      tableOptions(level, "data model prefix-range (benchmark comparison)"),
    ].join("\n"),
  ];
}

/** Store of the prefix-range model: one write per event, one range read per cell per step. */
export class PrefixRangeStore implements ModelStore {
  readonly writesPerEvent = 1;
  private readonly level: LevelSpec;
  private readonly insert: string;
  private readonly wholeCell: string;
  private readonly range: string;

  constructor(
    private readonly client: cassandra.Client,
    private readonly keyspace: string,
    layout: LevelLayout,
    private readonly limit: number,
  ) {
    this.level = singleTableLevel(layout);
    const from = `SELECT id, lat, lon, value, time FROM ${keyspace}.${TABLE} WHERE g1 = ? AND bucket IN ?`;
    const tail = ` AND time >= ? AND time <= ? LIMIT ? ALLOW FILTERING`;
    this.insert = `INSERT INTO ${keyspace}.${TABLE} (g1, g8, bucket, time, id, lat, lon, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
    this.wholeCell = from + tail;
    this.range = `${from} AND g8 >= ? AND g8 < ?${tail}`;
  }

  async schema(): Promise<void> {
    await runAll(this.client, prefixRangeSchema(this.keyspace, this.level));
  }

  async write(event: GeoEvent): Promise<void> {
    const g = prefixes(event.lat, event.lon);
    await this.client.execute(this.insert, [
      g[0],
      g[g.length - 1],
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
    const buckets = stepBuckets(step, this.level);
    const window = [new Date(step.fromMs), new Date(step.toMs), this.limit];
    const sets = await Promise.all(
      step.cells.map((cell) =>
        cell.length === 1
          ? this.client.execute(this.wholeCell, [cell, buckets, ...window])
          : this.client.execute(this.range, [
              cell.slice(0, 1),
              buckets,
              cell,
              `${cell}~`,
              ...window,
            ]),
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
