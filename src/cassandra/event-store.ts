import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../domain/event.js";
import { columnOf, gridShape, rowOf } from "../domain/grid.js";
import { bucketStart, bucketsInRange, tableName, type LevelLayout } from "../domain/levels.js";
import type { Candidate } from "../domain/neighbours.js";
import type { CellRead } from "../domain/search.js";
import type { EventStore, StoreReadResult } from "../pipeline/ports.js";
import { storeError } from "./errors.js";

/**
 * The table-per-length store: each event is upserted into every stored length's table with
 * prepared, idempotent single-partition inserts issued concurrently (never a multi-partition
 * batch). A search read is one SELECT over its cells × the time buckets of its window, taking
 * at most rowsPerPartition + 1 newest rows per partition: a partition that returns the extra row
 * has more, and the read is then complete only after that row's time.
 */
export class CassandraEventStore implements EventStore {
  private readonly inserts: ReadonlyMap<number, string>;
  private readonly selects: ReadonlyMap<number, string>;
  private readonly buckets: ReadonlyMap<number, number>;

  constructor(
    private readonly client: cassandra.Client,
    private readonly keyspace: string,
    private readonly layout: LevelLayout,
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
    this.buckets = new Map(layout.map((l) => [l.length, l.bucketMs]));
  }

  get writesPerEvent(): number {
    return this.layout.length;
  }

  async write(event: GeoEvent, hash: string): Promise<void> {
    const time = new Date(event.timeMs);
    const results = await Promise.allSettled(
      this.layout.map((level) =>
        this.client.execute(this.statement(this.inserts, level.length), [
          hash.slice(0, level.length),
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
      throw storeError(
        "write",
        new AggregateError(
          failures.map((f) => f.reason as unknown),
          `${failures.length} of ${results.length} writes of event ${event.id} failed`,
        ),
      );
    }
  }

  async read(request: CellRead): Promise<StoreReadResult> {
    if (request.cells.length === 0) return { rows: [], partitions: 0, statements: 0 };
    const bucketMs = this.buckets.get(request.length);
    if (bucketMs === undefined) throw new Error(`geohash length ${request.length} is not stored`);
    const buckets = bucketsInRange(request.fromMs, request.toMs, bucketMs);
    const partitions = request.cells.length * buckets.length;
    const limit = request.rowsPerPartition + 1;
    const rs = await this.client
      .execute(
        this.statement(this.selects, request.length),
        [request.cells, buckets, new Date(request.fromMs), new Date(request.toMs), limit],
        // Every partition's rows in one page: the read is bounded by partitions × limit.
        { fetchSize: partitions * limit },
      )
      .catch((err: unknown) => {
        throw storeError("read", err);
      });
    const rows: Candidate[] = rs.rows.map((row) => ({
      id: row["id"] as string,
      lat: row["lat"] as number,
      lon: row["lon"] as number,
      value: row["value"] as number,
      timeMs: (row["time"] as Date).getTime(),
    }));
    const completeFromMs =
      rows.length < limit ? undefined : completeFrom(rows, request.length, bucketMs, limit);
    return completeFromMs === undefined
      ? { rows, partitions, statements: 1 }
      : { rows, partitions, statements: 1, completeFromMs };
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
    if (cql === undefined) throw new Error(`geohash length ${length} is not stored`);
    return cql;
  }
}

/**
 * After which time every partition of a read is complete: the latest "oldest row + 1 ms" among
 * partitions that returned `limit` rows (so had more). Rows are attributed to their partition by
 * grid arithmetic (cell row/column at the read's length, and time bucket), without string work.
 */
function completeFrom(
  rows: readonly Candidate[],
  length: number,
  bucketMs: number,
  limit: number,
): number | undefined {
  const shape = gridShape(length);
  const partitions = new Map<string, { count: number; oldest: number }>();
  for (const r of rows) {
    const key = `${columnOf(r.lon, shape)}:${rowOf(r.lat, shape)}:${bucketStart(r.timeMs, bucketMs)}`;
    const p = partitions.get(key);
    if (p === undefined) partitions.set(key, { count: 1, oldest: r.timeMs });
    else {
      p.count++;
      if (r.timeMs < p.oldest) p.oldest = r.timeMs;
    }
  }
  let from: number | undefined;
  for (const p of partitions.values()) {
    if (p.count >= limit) from = Math.max(from ?? Number.NEGATIVE_INFINITY, p.oldest + 1);
  }
  return from;
}
