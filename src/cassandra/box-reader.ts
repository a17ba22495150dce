/**
 * The newest rows inside a bounding box from a table partitioned by (cell, bucket) with rows
 * newest first. Buckets are read newest first. Within a bucket every partition is first asked for
 * a share of the rows wanted (one IN per 64 partitions with a per-partition limit), then only the
 * partitions whose unread rows could still rank among the limit + 1 newest inside the box are
 * read on, twice as far each round, until none can. Rows of edge cells are tested against the box
 * exactly. Why it is exact: a partition's unread rows are all older than its last row read, so a
 * partition whose last row is older than the (limit + 1)-th newest inside row found so far holds
 * nothing that could enter the answer; and once more than `limit` inside rows are found, older
 * buckets cannot hold any of the newest. The request's budget caps every statement's rows, so the
 * rows read never exceed it: when what is left cannot finish the read exactly, it refuses.
 */
import type cassandra from "cassandra-driver";
import { boxContains } from "../domain/query/box-query.js";
import type { BoxRead, BoxResult } from "../query/ports.js";
import { allRows, chunks, mapBounded } from "./paging.js";

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

/** Rows asked of each partition first: a share of limit + 1, at least this many. */
const FIRST_ROWS_MIN = 16;

/** What is known of one (cell, bucket) partition while reading it. */
interface PartitionState<T> {
  readonly cell: string;
  readonly inside: boolean;
  /** Rows read that lie inside the box. */
  readonly kept: Positioned<T>[];
  /** Rows read so far, inside or not. */
  read: number;
  /** The last row read (rows come newest first), and how many read rows share its time. */
  last: Positioned<T> | undefined;
  lastTimeCount: number;
  /** No rows left in the window. */
  done: boolean;
}

/**
 * Rows each open partition reads on next, beyond those it re-reads at its last row's time: as
 * many again as it has read (doubling), scaled down to fit `rowsLeft`, at least one each;
 * undefined when even one each does not fit.
 */
export function readOnShares(
  open: readonly { read: number; lastTimeCount: number }[],
  rowsLeft: number,
): number[] | undefined {
  const needed = open.reduce((n, s) => n + s.lastTimeCount + 1, 0);
  if (needed > rowsLeft) return undefined;
  const wanted = open.reduce((n, s) => n + s.read, 0);
  const spare = rowsLeft - needed;
  return open.map((s) =>
    Math.max(1, Math.min(s.read, 1 + Math.floor((spare * s.read) / Math.max(1, wanted)))),
  );
}

/** Reads the newest `read.limit` rows of `table` inside the box and window. */
export async function readNewestInBox<T>(
  client: cassandra.Client,
  table: BoxTable<T>,
  read: BoxRead,
): Promise<BoxResult<T>> {
  const base = `SELECT ${table.key}, ${table.columns} FROM ${table.table} WHERE `;
  const inCql = `${base}${table.key} IN ? AND bucket = ? AND time >= ? AND time <= ? PER PARTITION LIMIT ?`;
  const oneCql = `${base}${table.key} = ? AND bucket = ? AND time >= ? AND time <= ? LIMIT ?`;
  const from = new Date(read.window.fromMs);
  const to = new Date(read.window.toMs);
  const wanted = read.limit + 1;
  const first = Math.min(
    wanted,
    Math.max(FIRST_ROWS_MIN, Math.ceil((2 * wanted) / Math.max(1, read.cells.length))),
  );
  const keep = (p: Positioned<T>): boolean => boxContains(read.box, p.lat, p.lon);

  /** Adds rows read from a partition (newest first, after the ones it already has). */
  const absorb = (s: PartitionState<T>, rows: readonly Positioned<T>[], asked: number): void => {
    for (const row of rows) {
      if (s.inside || keep(row)) s.kept.push(row);
      s.lastTimeCount =
        s.last !== undefined && s.last.timeMs === row.timeMs ? s.lastTimeCount + 1 : 1;
      s.last = row;
      s.read++;
    }
    if (rows.length < asked) s.done = true;
  };

  const found: Positioned<T>[] = [];
  let partitions = 0;
  for (const bucket of read.buckets) {
    const states = new Map<string, PartitionState<T>>(
      read.cells.map((c) => [
        c.hash,
        {
          cell: c.hash,
          inside: c.inside,
          kept: [],
          read: 0,
          last: undefined,
          lastTimeCount: 0,
          done: false,
        },
      ]),
    );
    // Every partition gets its first share within what the budget has left (at least one row).
    const share = Math.min(first, Math.floor(read.budget.rowsLeft() / states.size));
    if (share < 1) {
      read.budget.exhausted(
        `the next time bucket has ${states.size} partitions to read and too few rows are left for one each`,
      );
    }
    const groups = chunks([...states.keys()], PARTITIONS_PER_STATEMENT);
    const firstRows = await mapBounded(groups, CONCURRENCY, (cells) =>
      allRows(client, inCql, [cells, bucket, from, to, share], read.budget),
    );
    const byCell = new Map<string, Positioned<T>[]>();
    for (const row of firstRows.flat()) {
      const cell = row[table.key] as string;
      byCell.set(cell, [...(byCell.get(cell) ?? []), table.decode(row)]);
    }
    for (const s of states.values()) absorb(s, byCell.get(s.cell) ?? [], share);

    for (;;) {
      const candidates = [...found, ...[...states.values()].flatMap((s) => s.kept)].sort(
        newestFirst,
      );
      const threshold = candidates.length >= wanted ? candidates[wanted - 1] : undefined;
      const open = [...states.values()].filter(
        (s) =>
          !s.done &&
          s.last !== undefined &&
          (threshold === undefined || s.last.timeMs >= threshold.timeMs),
      );
      if (open.length === 0) break;
      const more = readOnShares(open, read.budget.rowsLeft());
      if (more === undefined) {
        read.budget.exhausted(
          `${open.length} partition(s) of the box still hold rows that could be among the newest ${read.limit} inside it`,
        );
      }
      await mapBounded(open, CONCURRENCY, async (s, i) => {
        const last = s.last as Positioned<T>;
        // Unread rows are at or before the last row's time; the rows read at that time come first.
        const asked = s.lastTimeCount + (more[i] ?? 1);
        const rows = (
          await allRows(
            client,
            oneCql,
            [s.cell, bucket, from, new Date(last.timeMs), asked],
            read.budget,
          )
        ).map((r) => table.decode(r));
        absorb(s, rows.slice(s.lastTimeCount), more[i] ?? 1);
      });
    }
    partitions += states.size;
    for (const s of states.values()) found.push(...s.kept);
    if (found.length > read.limit) break;
  }
  found.sort(newestFirst);
  return {
    rows: found.slice(0, read.limit).map((p) => p.item),
    truncated: found.length > read.limit,
    partitions,
  };
}
