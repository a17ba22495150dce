/**
 * The article's option 1: one table partitioned by (g1, bucket), a column per longer geohash
 * length, each with a secondary index. A read takes one cell per statement through the index of
 * its length. Cassandra 5 rejects an indexed select with `bucket IN ?` ("Select on indexed columns
 * and with IN clause for the PRIMARY KEY are not supported"), so the buckets become a range on
 * the partition key, filtered (ALLOW FILTERING) after the index lookup.
 */
import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../../src/domain/event.js";
import type { LevelLayout, LevelSpec } from "../../src/domain/levels.js";
import type { CellRead } from "../../src/domain/search.js";
import { FULL_LENGTH, tableOptions } from "./common.js";
import { SingleTableStore, type Statement } from "./single-table-store.js";

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

/** Store of the secondary-index model: one write per event, one indexed read per cell per read. */
export class SecondaryIndexStore extends SingleTableStore {
  private readonly insert: string;
  private readonly selects: string[];

  constructor(client: cassandra.Client, keyspace: string, layout: LevelLayout) {
    super(client, keyspace, layout, TABLE);
    const cols = ["g1", ...INDEXED];
    this.insert =
      `INSERT INTO ${keyspace}.${TABLE} (${cols.join(", ")}, bucket, time, id, lat, lon, value) ` +
      `VALUES (${cols.map(() => "?").join(", ")}, ?, ?, ?, ?, ?, ?)`;
    const from = `SELECT id, lat, lon, value, time FROM ${keyspace}.${TABLE} WHERE g1 = ?`;
    const tail = ` AND time >= ? AND time <= ?`;
    // selects[L-1]: length 1 needs no index; longer lengths use the index of g<L>.
    this.selects = cols.map((g, i) =>
      i === 0
        ? `${from} AND bucket IN ?${tail}`
        : `${from} AND bucket >= ? AND bucket <= ? AND ${g} = ?${tail} ALLOW FILTERING`,
    );
  }

  protected schemaStatements(): string[] {
    return secondaryIndexSchema(this.keyspace, this.level);
  }

  protected insertOf(event: GeoEvent, g: readonly string[], bucket: number): Statement {
    return { cql: this.insert, params: [...g, ...SingleTableStore.rowValues(event, bucket)] };
  }

  protected selectOf(cell: string, read: CellRead, buckets: readonly number[]): Statement {
    const cql = this.selects[read.length - 1];
    if (cql === undefined) throw new Error(`geohash length ${read.length} is not stored`);
    const window = SingleTableStore.windowOf(read);
    return read.length === 1
      ? { cql, params: [cell, buckets, ...window] }
      : { cql, params: [cell.slice(0, 1), buckets.at(-1), buckets[0], cell, ...window] };
  }
}
