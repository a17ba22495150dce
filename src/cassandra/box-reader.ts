/**
 * The newest rows inside a bounding box from a table partitioned by (cell, bucket) with rows
 * newest first: buckets are read newest first, the cells of a bucket with one IN per chunk and a
 * per-partition limit of limit + 1, and each row is tested against the box exactly. Why that is
 * exact: the `limit` newest rows inside the box are each among the limit + 1 newest inside rows
 * of their own partition, and once limit + 1 inside rows are found, older buckets cannot hold
 * any of the newest. An edge partition whose first limit + 1 rows are not all inside is read on,
 * page by page, until it yields limit + 1 inside rows or ends.
 */
import type cassandra from "cassandra-driver";
import { boxContains } from "../domain/box-query.js";
import type { BoxRead, BoxResult } from "../query/ports.js";
import { allRows, chunks, mapBounded, pagesOf } from "./paging.js";

/** Partitions named by one statement; Cassandra coordinates IN lists, so keep them short. */
const PARTITIONS_PER_STATEMENT = 64;
/** Statements in flight per request. */
const CONCURRENCY = 8;

/** A decoded row with what ordering and the box test need. */
export interface Positioned<T> {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly timeMs: number;
  readonly item: T;
}

/** A table read by box: its name, its cell key column, the columns selected and how to decode a row. */
export interface BoxTable<T> {
  /** Keyspace-qualified table name. */
  readonly table: string;
  /** The partition key column beside `bucket`. */
  readonly key: string;
  /** Selected columns (the key column is added). */
  readonly columns: string;
  decode(row: cassandra.types.Row): Positioned<T>;
}

function newestFirst<T>(a: Positioned<T>, b: Positioned<T>): number {
  return b.timeMs - a.timeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Reads the newest `read.limit` rows of `table` inside the box and window. */
export async function readNewestInBox<T>(
  client: cassandra.Client,
  table: BoxTable<T>,
  read: BoxRead,
): Promise<BoxResult<T>> {
  const base = `SELECT ${table.key}, ${table.columns} FROM ${table.table} WHERE `;
  const window = `time >= ? AND time <= ?`;
  const inCql = `${base}${table.key} IN ? AND bucket = ? AND ${window} PER PARTITION LIMIT ?`;
  const oneCql = `${base}${table.key} = ? AND bucket = ? AND ${window}`;
  const from = new Date(read.window.fromMs);
  const to = new Date(read.window.toMs);
  const perPartition = read.limit + 1;
  const inside = new Map(read.cells.map((c) => [c.hash, c.inside]));
  const keep = (p: Positioned<T>): boolean => boxContains(read.box, p.lat, p.lon);

  const found: Positioned<T>[] = [];
  let partitions = 0;
  for (const bucket of read.buckets) {
    const groups = chunks(
      read.cells.map((c) => c.hash),
      PARTITIONS_PER_STATEMENT,
    );
    const perGroup = await mapBounded(groups, CONCURRENCY, async (cells) => {
      const rows = await allRows(client, inCql, [cells, bucket, from, to, perPartition]);
      const byCell = new Map<string, Positioned<T>[]>();
      for (const row of rows) {
        const cell = row[table.key] as string;
        const list = byCell.get(cell) ?? [];
        list.push(table.decode(row));
        byCell.set(cell, list);
      }
      const out: Positioned<T>[] = [];
      for (const [cell, list] of byCell) {
        if (inside.get(cell) === true) {
          out.push(...list);
          continue;
        }
        const kept = list.filter(keep);
        if (list.length < perPartition || kept.length >= perPartition) {
          out.push(...kept.slice(0, perPartition));
          continue;
        }
        // An edge partition with more rows than were read: read it on until enough are inside.
        const more: Positioned<T>[] = [];
        for await (const page of pagesOf(client, oneCql, [cell, bucket, from, to])) {
          more.push(...page.map((r) => table.decode(r)).filter(keep));
          if (more.length >= perPartition) break;
        }
        out.push(...more.slice(0, perPartition));
      }
      return out;
    });
    partitions += read.cells.length;
    for (const rows of perGroup) found.push(...rows);
    if (found.length > read.limit) break;
  }
  found.sort(newestFirst);
  return {
    rows: found.slice(0, read.limit).map((p) => p.item),
    truncated: found.length > read.limit,
    partitions,
  };
}
