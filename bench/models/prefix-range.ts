/**
 * The article's option 4: one table with a single full-length geohash clustering column; a cell
 * of any length is the range [prefix, prefix + '~') of it ('~' sorts after every base-32 digit).
 * Ranges of different cells cannot share a statement, so a read runs one query per cell.
 */
import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../../src/domain/event.js";
import type { LevelLayout, LevelSpec } from "../../src/domain/levels.js";
import type { CellRead } from "../../src/domain/search.js";
import { tableOptions } from "./common.js";
import { SingleTableStore, type Statement } from "./single-table-store.js";

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

/** Store of the prefix-range model: one write per event, one range read per cell per read. */
export class PrefixRangeStore extends SingleTableStore {
  private readonly insert: string;
  private readonly wholeCell: string;
  private readonly range: string;

  constructor(client: cassandra.Client, keyspace: string, layout: LevelLayout) {
    super(client, keyspace, layout, TABLE);
    const from = `SELECT id, lat, lon, value, time FROM ${keyspace}.${TABLE} WHERE g1 = ? AND bucket IN ?`;
    const tail = ` AND time >= ? AND time <= ? ALLOW FILTERING`;
    this.insert = `INSERT INTO ${keyspace}.${TABLE} (g1, g8, bucket, time, id, lat, lon, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
    this.wholeCell = from + tail;
    this.range = `${from} AND g8 >= ? AND g8 < ?${tail}`;
  }

  protected schemaStatements(): string[] {
    return prefixRangeSchema(this.keyspace, this.level);
  }

  protected insertOf(event: GeoEvent, g: readonly string[], bucket: number): Statement {
    return {
      cql: this.insert,
      params: [g[0], g.at(-1), ...SingleTableStore.rowValues(event, bucket)],
    };
  }

  protected selectOf(cell: string, read: CellRead, buckets: readonly number[]): Statement {
    const window = SingleTableStore.windowOf(read);
    return cell.length === 1
      ? { cql: this.wholeCell, params: [cell, buckets, ...window] }
      : { cql: this.range, params: [cell.slice(0, 1), buckets, cell, `${cell}~`, ...window] };
  }
}
