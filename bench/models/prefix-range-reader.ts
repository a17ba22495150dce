/**
 * Box reads of the prefix-range model (one table, partition (g1, bucket),
 * rows ordered by the full geohash g8): the cover's cells are merged into runs of the geohash
 * order (the source notes' range merge), each run split so it stays in one g1 partition, and read
 * with one `g8 >= start AND g8 < end` statement per run and bucket. Rows come in hash order, not
 * time order, so every row of a run in the window is read, tested against the box and the newest
 * kept. Clusters need the per-length tables and are refused.
 */
import type cassandra from "cassandra-driver";
import { boxContains } from "../../src/domain/box-query.js";
import { mergeCellRanges, splitRangesAt, type CellRange } from "../../src/domain/cell-ranges.js";
import type { LevelLayout, LevelSpec } from "../../src/domain/levels.js";
import { bucketsBetween } from "../../src/domain/query-window.js";
import { GeoAnomalyError } from "../../src/errors.js";
import type { BoxRead, BoxResult, EventReader, StoredEvent } from "../../src/query/ports.js";
import { singleTableLevel } from "./common.js";
import { allRows, mapBounded } from "../../src/cassandra/paging.js";

/** The prefix-range model's table (bench/models/prefix-range.ts). */
const TABLE = "events_pr";
const CONCURRENCY = 8;

export class PrefixRangeEventReader implements EventReader {
  private readonly level: LevelSpec;
  private readonly bounded: string;
  private readonly open: string;

  constructor(
    private readonly client: cassandra.Client,
    keyspace: string,
    layout: LevelLayout,
  ) {
    this.level = singleTableLevel(layout);
    const base =
      `SELECT id, lat, lon, value, time FROM ${keyspace}.${TABLE} ` +
      `WHERE g1 = ? AND bucket = ? AND g8 >= ?`;
    const tail = ` AND time >= ? AND time <= ? ALLOW FILTERING`;
    this.bounded = `${base} AND g8 < ?${tail}`;
    this.open = `${base}${tail}`;
  }

  /** The statements one read runs: merged runs of cells, split at g1, per bucket of the table. */
  static ranges(cells: readonly string[]): CellRange[] {
    return splitRangesAt(mergeCellRanges(cells), 1);
  }

  async newestInBox(_length: number, read: BoxRead): Promise<BoxResult<StoredEvent>> {
    const ranges = PrefixRangeEventReader.ranges(read.cells.map((c) => c.hash));
    const buckets = bucketsBetween(read.window, this.level);
    const from = new Date(read.window.fromMs);
    const to = new Date(read.window.toMs);
    const jobs = buckets.flatMap((bucket) => ranges.map((range) => ({ bucket, range })));
    const results = await mapBounded(jobs, CONCURRENCY, ({ bucket, range }) =>
      range.end === undefined
        ? allRows(this.client, this.open, [range.start.slice(0, 1), bucket, range.start, from, to])
        : allRows(this.client, this.bounded, [
            range.start.slice(0, 1),
            bucket,
            range.start,
            range.end,
            from,
            to,
          ]),
    );
    const inside = results
      .flat()
      .map((row): StoredEvent => ({
        id: row["id"] as string,
        lat: row["lat"] as number,
        lon: row["lon"] as number,
        value: row["value"] as number,
        timeMs: (row["time"] as Date).getTime(),
      }))
      .filter((e) => boxContains(read.box, e.lat, e.lon))
      .sort((a, b) => b.timeMs - a.timeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const partitions = new Set(ranges.map((r) => r.start.slice(0, 1))).size * buckets.length;
    return {
      rows: inside.slice(0, read.limit),
      truncated: inside.length > read.limit,
      partitions,
    };
  }

  cellSums(): Promise<never> {
    return Promise.reject(
      new GeoAnomalyError(
        "QUERY_INVALID",
        "clusters are aggregated from the per-length tables: run with DATA_MODEL=table-per-length",
      ),
    );
  }
}
