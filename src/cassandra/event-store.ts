import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../domain/event.js";
import { encode } from "../domain/geo.js";
import { bucketStart, tableName, type LevelLayout } from "../domain/levels.js";
import type { Candidate, SearchStep } from "../domain/search.js";
import type { EventStore } from "../pipeline/ports.js";

/**
 * The table-per-length store: each event is upserted into every length's
 * table with prepared, idempotent single-partition inserts issued
 * concurrently (never a multi-partition batch); a search step is one SELECT
 * over its cells x buckets with a per-partition limit.
 */
export class CassandraEventStore implements EventStore {
  private readonly inserts: ReadonlyMap<number, string>;
  private readonly selects: ReadonlyMap<number, string>;

  constructor(
    private readonly client: cassandra.Client,
    private readonly keyspace: string,
    private readonly layout: LevelLayout,
    private readonly perPartitionLimit: number,
  ) {
    this.inserts = new Map(
      layout.map((l) => [
        l.length,
        `INSERT INTO ${keyspace}.${tableName(l.length)} (cell, bucket, time, id, lat, lon, value) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ]),
    );
    this.selects = new Map(
      layout.map((l) => [
        l.length,
        `SELECT id, lat, lon, value, time FROM ${keyspace}.${tableName(l.length)} ` +
          `WHERE cell IN ? AND bucket IN ? AND time >= ? AND time <= ? PER PARTITION LIMIT ?`,
      ]),
    );
  }

  get writesPerEvent(): number {
    return this.layout.length;
  }

  /** A step is one SELECT: its cells and buckets go into one IN each. */
  statementsFor(): number {
    return 1;
  }

  async write(event: GeoEvent): Promise<void> {
    const time = new Date(event.timeMs);
    const results = await Promise.allSettled(
      this.layout.map((level) =>
        this.client.execute(this.statement(this.inserts, level.length), [
          encode(event.lat, event.lon, level.length),
          bucketStart(event.timeMs, level.bucketMs),
          time,
          event.id,
          event.lat,
          event.lon,
          event.value,
        ]),
      ),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((f) => f.reason as unknown),
        `${failures.length} of ${results.length} writes of event ${event.id} failed`,
      );
    }
  }

  async fetch(step: SearchStep): Promise<readonly Candidate[]> {
    const rs = await this.client.execute(this.statement(this.selects, step.length), [
      step.cells,
      step.buckets,
      new Date(step.fromMs),
      new Date(step.toMs),
      this.perPartitionLimit,
    ]);
    return rs.rows.map((row) => ({
      id: row["id"] as string,
      lat: row["lat"] as number,
      lon: row["lon"] as number,
      value: row["value"] as number,
      timeMs: (row["time"] as Date).getTime(),
    }));
  }

  /** Answers only when every length's table can be read: what a resumed partition will need. */
  async ping(): Promise<void> {
    await Promise.all(
      this.layout.map((l) =>
        this.client.execute(`SELECT id FROM ${this.keyspace}.${tableName(l.length)} LIMIT 1`, [], {
          prepare: false,
        }),
      ),
    );
  }

  private statement(map: ReadonlyMap<number, string>, length: number): string {
    const cql = map.get(length);
    if (cql === undefined) throw new Error(`geohash length ${length} is not in the layout`);
    return cql;
  }
}
