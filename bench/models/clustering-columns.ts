/**
 * The article's option 3: one table, one clustering column per geohash length. A search read
 * fixes the cell's prefix columns; the time window needs ALLOW FILTERING inside the partition
 * (time sorts after g8), and cells cannot share one IN, so a read runs one query per cell.
 */
import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../../src/domain/event.js";
import type { LevelLayout, LevelSpec } from "../../src/domain/levels.js";
import type { CellRead } from "../../src/domain/search.js";
import { FULL_LENGTH, tableOptions } from "./common.js";
import { SingleTableStore, type Statement } from "./single-table-store.js";

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

/** Store of the clustering-columns model: one write per event, one read per cell per read. */
export class ClusteringColumnsStore extends SingleTableStore {
  private readonly insert: string;
  private readonly selects: string[];

  constructor(client: cassandra.Client, keyspace: string, layout: LevelLayout) {
    super(client, keyspace, layout, TABLE);
    this.insert =
      `INSERT INTO ${keyspace}.${TABLE} (${G.join(", ")}, bucket, time, id, lat, lon, value) ` +
      `VALUES (${G.map(() => "?").join(", ")}, ?, ?, ?, ?, ?, ?)`;
    // selects[L-1]: cells of length L fix g1..gL.
    this.selects = G.map((_, i) => {
      const fixed = G.slice(1, i + 1).map((g) => ` AND ${g} = ?`);
      return (
        `SELECT id, lat, lon, value, time FROM ${keyspace}.${TABLE} WHERE g1 = ? AND bucket IN ?` +
        `${fixed.join("")} AND time >= ? AND time <= ? ALLOW FILTERING`
      );
    });
  }

  protected schemaStatements(): string[] {
    return clusteringColumnsSchema(this.keyspace, this.level);
  }

  protected insertOf(event: GeoEvent, g: readonly string[], bucket: number): Statement {
    return { cql: this.insert, params: [...g, ...SingleTableStore.rowValues(event, bucket)] };
  }

  protected selectOf(cell: string, read: CellRead, buckets: readonly number[]): Statement {
    const cql = this.selects[read.length - 1];
    if (cql === undefined) throw new Error(`geohash length ${read.length} is not stored`);
    const [g1, ...rest] = Array.from({ length: read.length }, (_, i) => cell.slice(0, i + 1));
    return { cql, params: [g1, buckets, ...rest, ...SingleTableStore.windowOf(read)] };
  }
}
