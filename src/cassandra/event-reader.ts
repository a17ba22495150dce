/**
 * Query-side reads of the table-per-length model: the newest events inside a box (exact), and
 * per-partition counts and position sums that Cassandra aggregates itself with GROUP BY over the
 * partition key, so clusters ship one row per (cell, bucket) instead of every event. Both count
 * against the request's budget: the aggregate's rows are at most its partitions, which the query
 * service checked before calling.
 */
import type cassandra from "cassandra-driver";
import { tableName } from "../domain/sizing/levels.js";
import type { TimeWindow } from "../domain/query/query-window.js";
import type { CellSums } from "../domain/query/rollup.js";
import type { BoxRead, BoxResult, EventReader, ReadBudget, StoredEvent } from "../query/ports.js";
import { readNewestInBox, type BoxTable } from "./box-reader.js";
import { allRows, chunks, mapBounded } from "./paging.js";

const PARTITIONS_PER_STATEMENT = 64;
const CONCURRENCY = 8;

function eventTable(keyspace: string, length: number): BoxTable<StoredEvent> {
  return {
    table: `${keyspace}.${tableName(length)}`,
    key: "cell",
    columns: "id, lat, lon, value, time",
    decode(row) {
      const event: StoredEvent = {
        id: row["id"] as string,
        lat: row["lat"] as number,
        lon: row["lon"] as number,
        value: row["value"] as number,
        timeMs: (row["time"] as Date).getTime(),
      };
      return { id: event.id, lat: event.lat, lon: event.lon, timeMs: event.timeMs, item: event };
    },
  };
}

/** Reads the per-length event tables of one keyspace. */
export class CassandraEventReader implements EventReader {
  constructor(
    private readonly client: cassandra.Client,
    private readonly keyspace: string,
  ) {}

  newestInBox(length: number, read: BoxRead): Promise<BoxResult<StoredEvent>> {
    return readNewestInBox(this.client, eventTable(this.keyspace, length), read);
  }

  async cellSums(
    length: number,
    cells: readonly string[],
    buckets: readonly number[],
    window: TimeWindow,
    budget: ReadBudget,
  ): Promise<readonly CellSums[]> {
    const cql =
      `SELECT cell, bucket, count(*) AS n, sum(lat) AS sum_lat, sum(lon) AS sum_lon ` +
      `FROM ${this.keyspace}.${tableName(length)} ` +
      `WHERE cell IN ? AND bucket IN ? AND time >= ? AND time <= ? GROUP BY cell, bucket`;
    const perStatement = Math.max(1, Math.floor(PARTITIONS_PER_STATEMENT / buckets.length));
    const from = new Date(window.fromMs);
    const to = new Date(window.toMs);
    const results = await mapBounded(chunks(cells, perStatement), CONCURRENCY, (group) =>
      allRows(this.client, cql, [group, buckets, from, to], budget),
    );
    return results.flat().map((row) => ({
      cell: row["cell"] as string,
      count: Number(row["n"]),
      sumLat: row["sum_lat"] as number,
      sumLon: row["sum_lon"] as number,
    }));
  }
}
