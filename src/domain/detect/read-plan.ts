/**
 * Reading for a batch of searches at once. Each search asks for the cells of one length in its own
 * time window; the partitions (cell × time bucket) those reads need are listed once for the whole
 * batch, minus what the batch has already read, and grouped into a few multi-partition statements.
 * Pure: the caller runs the statements and keeps what they return in a {@link PartitionCache}.
 */
import { bucketsInRange } from "../sizing/levels.js";
import { entryOf } from "./maps.js";
import type { PartitionCache } from "./partition-cache.js";
import type { CellRead } from "./search.js";

/**
 * One statement: a {@link CellRead} with its time buckets listed, so it reads every row of `cells`
 * × `buckets` of one length with fromMs <= time <= toMs, at most `rowsPerPartition` + 1 newest
 * rows per partition (the extra row says there are more).
 */
export interface PartitionRead extends CellRead {
  readonly buckets: readonly number[];
}

/** The time bucket of each searched length: what maps a read's window to partitions. */
export type BucketSizes = (length: number) => number;

/** The part of [fromMs, toMs] that a bucket starting at `bucket` can hold. */
export function clipToBucket(
  fromMs: number,
  toMs: number,
  bucket: number,
  bucketMs: number,
): [number, number] {
  return [Math.max(fromMs, bucket), Math.min(toMs, bucket + bucketMs - 1)];
}

interface Needed {
  fromMs: number;
  toMs: number;
}

/**
 * The statements that fetch every partition `reads` need and `cache` does not hold for their
 * window. Partitions of one length that need the same buckets share a statement (cells × buckets,
 * at most `maxPartitions` partitions each); a statement's window is the union of its partitions'.
 */
export function planReads(
  reads: readonly CellRead[],
  bucketMs: BucketSizes,
  cache: PartitionCache,
  maxPartitions: number,
): PartitionRead[] {
  // length -> cell -> bucket -> the window still needed there.
  const needed = new Map<number, Map<string, Map<number, Needed>>>();
  const limits = new Map<number, number>();
  for (const read of reads) {
    const size = bucketMs(read.length);
    const buckets = bucketsInRange(read.fromMs, read.toMs, size);
    limits.set(read.length, Math.max(limits.get(read.length) ?? 0, read.rowsPerPartition));
    for (const cell of read.cells) {
      for (const bucket of buckets) {
        const [from, to] = clipToBucket(read.fromMs, read.toMs, bucket, size);
        if (cache.covers(read.length, cell, bucket, from, to)) continue;
        const cells = entryOf(needed, read.length, () => new Map<string, Map<number, Needed>>());
        const perBucket = entryOf(cells, cell, () => new Map<number, Needed>());
        const n = perBucket.get(bucket);
        if (n === undefined) {
          // Read again over what was read before too, so the new rows replace the old ones whole.
          const before = cache.range(read.length, cell, bucket);
          perBucket.set(bucket, {
            fromMs: Math.min(from, before?.[0] ?? from),
            toMs: Math.max(to, before?.[1] ?? to),
          });
        } else {
          n.fromMs = Math.min(n.fromMs, from);
          n.toMs = Math.max(n.toMs, to);
        }
      }
    }
  }

  const out: PartitionRead[] = [];
  for (const [length, cells] of needed) {
    const rowsPerPartition = limits.get(length) ?? 0;
    // Cells needing the same buckets go together, so no statement reads a partition nobody needs.
    const groups = new Map<string, { buckets: number[]; cells: string[] }>();
    for (const [cell, perBucket] of cells) {
      const buckets = [...perBucket.keys()].sort((a, b) => b - a);
      const signature = buckets.join(",");
      let group = groups.get(signature);
      if (group === undefined) groups.set(signature, (group = { buckets, cells: [] }));
      group.cells.push(cell);
    }
    for (const { buckets, cells: groupCells } of groups.values()) {
      const perStatement = Math.max(1, Math.floor(maxPartitions / buckets.length));
      for (let i = 0; i < groupCells.length; i += perStatement) {
        const chunk = groupCells.slice(i, i + perStatement);
        let fromMs = Number.POSITIVE_INFINITY;
        let toMs = Number.NEGATIVE_INFINITY;
        for (const cell of chunk) {
          for (const n of cells.get(cell)?.values() ?? []) {
            fromMs = Math.min(fromMs, n.fromMs);
            toMs = Math.max(toMs, n.toMs);
          }
        }
        out.push({ length, cells: chunk, buckets, fromMs, toMs, rowsPerPartition });
      }
    }
  }
  return out;
}
