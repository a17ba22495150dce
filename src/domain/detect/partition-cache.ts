/**
 * The partitions one batch has read, each with the window it was read for, and how each search's
 * read is answered from them: the rows of its cells in its window, and from when those are
 * complete when a partition held more rows than a read takes. Pure: no I/O.
 */
import type { Candidate } from "./neighbours.js";
import { bucketsInRange } from "../sizing/levels.js";
import { entryOf } from "./maps.js";
import { clipToBucket, type BucketSizes, type PartitionRead } from "./read-plan.js";
import type { CellRead, CellReadResult } from "./search.js";

/** One partition's rows as a statement returned them: newest first, at most the limit + 1. */
export interface PartitionRows {
  readonly cell: string;
  readonly bucket: number;
  readonly rows: readonly Candidate[];
}

/** Which rows a given search may see besides what storage returned (its batch's own events). */
export interface RowVisibility {
  /** Stored rows this search must not see (events of the batch after it). */
  hides(id: string): boolean;
  /** Adds the batch's earlier events in these cells of `length` within the window to `out`. */
  addEarlier(
    length: number,
    cells: readonly string[],
    fromMs: number,
    toMs: number,
    out: Candidate[],
  ): void;
}

interface Entry {
  readonly fromMs: number;
  readonly toMs: number;
  readonly rows: readonly Candidate[];
  /** Rows older than this may be missing (the partition had more than the limit); -Infinity when not. */
  readonly completeFromMs: number;
}

const NO_ROWS: readonly Candidate[] = [];

/** What a batch has read so far, by length, cell and bucket. */
export class PartitionCache {
  private readonly entries = new Map<number, Map<string, Map<number, Entry>>>();
  private count = 0;

  constructor(private readonly bucketMs: BucketSizes) {}

  /** Partitions held. */
  get size(): number {
    return this.count;
  }

  /** Whether [fromMs, toMs] of the partition has been read. */
  covers(length: number, cell: string, bucket: number, fromMs: number, toMs: number): boolean {
    const e = this.entries.get(length)?.get(cell)?.get(bucket);
    return e !== undefined && e.fromMs <= fromMs && e.toMs >= toMs;
  }

  /** The window the partition was read for, if it was. */
  range(length: number, cell: string, bucket: number): [number, number] | undefined {
    const e = this.entries.get(length)?.get(cell)?.get(bucket);
    return e === undefined ? undefined : [e.fromMs, e.toMs];
  }

  /** Keeps what a statement returned: every partition it asked for, empty ones included. */
  add(read: PartitionRead, found: readonly PartitionRows[]): void {
    const size = this.bucketMs(read.length);
    const cells = entryOf(this.entries, read.length, () => new Map<string, Map<number, Entry>>());
    const byKey = new Map<string, Map<number, readonly Candidate[]>>();
    for (const p of found) {
      entryOf(byKey, p.cell, () => new Map<number, readonly Candidate[]>()).set(p.bucket, p.rows);
    }
    for (const cell of read.cells) {
      const perBucket = entryOf(cells, cell, () => new Map<number, Entry>());
      for (const bucket of read.buckets) {
        const [fromMs, toMs] = clipToBucket(read.fromMs, read.toMs, bucket, size);
        const rows = byKey.get(cell)?.get(bucket) ?? NO_ROWS;
        const oldest = rows.length > read.rowsPerPartition ? rows[rows.length - 1] : undefined;
        if (!perBucket.has(bucket)) this.count++;
        perBucket.set(bucket, {
          fromMs,
          toMs,
          rows,
          completeFromMs: oldest === undefined ? Number.NEGATIVE_INFINITY : oldest.timeMs + 1,
        });
      }
    }
  }

  /**
   * One search's read answered from the partitions held (every one of them must have been read
   * for the read's window): its cells' rows in its window that `visibility` allows, plus the
   * batch's earlier events there.
   */
  serve(read: CellRead, visibility: RowVisibility): CellReadResult {
    const size = this.bucketMs(read.length);
    const buckets = bucketsInRange(read.fromMs, read.toMs, size);
    const rows: Candidate[] = [];
    let completeFromMs = Number.NEGATIVE_INFINITY;
    const cells = this.entries.get(read.length);
    for (const cell of read.cells) {
      const perBucket = cells?.get(cell);
      for (const bucket of buckets) {
        const e = perBucket?.get(bucket);
        const [from, to] = clipToBucket(read.fromMs, read.toMs, bucket, size);
        if (e === undefined || e.fromMs > from || e.toMs < to) {
          throw new Error(
            `partition ${read.length}/${cell}/${bucket} was not read for this window`,
          );
        }
        for (const r of e.rows) {
          if (r.timeMs >= read.fromMs && r.timeMs <= read.toMs && !visibility.hides(r.id))
            rows.push(r);
        }
        if (e.completeFromMs > completeFromMs) completeFromMs = e.completeFromMs;
      }
    }
    visibility.addEarlier(read.length, read.cells, read.fromMs, read.toMs, rows);
    const partitions = read.cells.length * buckets.length;
    return completeFromMs > read.fromMs
      ? { rows, partitions, completeFromMs }
      : { rows, partitions };
  }
}
