/**
 * Merging the cells covering an area into ranges of the geohash order (the source notes on how
 * geohash orders space): cells of one length are numbered along the Z-order curve, and a run of
 * consecutive numbers becomes one range [start, end). A model whose rows are ordered by a full
 * geohash clustering column can read each range with one statement instead of one per cell.
 * Base-32 geohash characters sort in the same order as their values, so comparing hashes as
 * strings is comparing their Z-order numbers.
 */

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/** A run of consecutive cells of one length: every hash h with start <= h < end. */
export interface CellRange {
  readonly start: string;
  /** The first cell after the run; undefined when the run reaches the last cell ("zz…z"). */
  readonly end: string | undefined;
  readonly cells: number;
}

/** The next cell of the same length along the Z-order curve, or undefined after the last one. */
export function nextCell(hash: string): string | undefined {
  const chars = [...hash];
  for (let i = chars.length - 1; i >= 0; i--) {
    const v = BASE32.indexOf(chars[i] ?? "");
    if (v < 0) throw new RangeError(`'${hash}' is not a geohash`);
    if (v < 31) {
      chars[i] = BASE32[v + 1] ?? "";
      return chars.join("");
    }
    chars[i] = "0";
  }
  return undefined;
}

/** Consecutive cells (all of one length) merged into ranges, in Z order; duplicates ignored. */
export function mergeCellRanges(cells: readonly string[]): CellRange[] {
  const sorted = [...new Set(cells)].sort();
  const first = sorted[0];
  if (first !== undefined && sorted.some((c) => c.length !== first.length)) {
    throw new RangeError("cells of different lengths cannot be merged into one order");
  }
  const out: CellRange[] = [];
  let start: string | undefined;
  let count = 0;
  let expected: string | undefined;
  for (const cell of sorted) {
    if (start !== undefined && cell === expected) {
      count++;
    } else {
      if (start !== undefined) out.push({ start, end: expected, cells: count });
      start = cell;
      count = 1;
    }
    expected = nextCell(cell);
  }
  if (start !== undefined) out.push({ start, end: expected, cells: count });
  return out;
}

/**
 * Splits ranges so none spans two cells of `prefixLength` (a partition key such as g1): a range
 * then reads one partition. Each piece keeps the exact cell count.
 */
export function splitRangesAt(ranges: readonly CellRange[], prefixLength: number): CellRange[] {
  const out: CellRange[] = [];
  for (const range of ranges) {
    let { start, cells } = range;
    for (;;) {
      const boundary = nextCell(start.slice(0, prefixLength));
      const pieceEnd = boundary === undefined ? undefined : boundary.padEnd(start.length, "0");
      const fits = pieceEnd === undefined || (range.end !== undefined && range.end <= pieceEnd);
      if (fits) {
        out.push({ start, end: range.end, cells });
        break;
      }
      const inPiece = cellsBetween(start, pieceEnd);
      out.push({ start, end: pieceEnd, cells: inPiece });
      start = pieceEnd;
      cells -= inPiece;
    }
  }
  return out;
}

/** Cells from `start` up to (not including) `end`, both of one length. */
export function cellsBetween(start: string, end: string): number {
  return zIndex(end) - zIndex(start);
}

/** Position of a cell along the Z-order curve of its length (exact up to length 10). */
export function zIndex(hash: string): number {
  if (hash.length > 10) throw new RangeError("Z index is exact up to geohash length 10");
  let v = 0;
  for (const c of hash) {
    const d = BASE32.indexOf(c);
    if (d < 0) throw new RangeError(`'${hash}' is not a geohash`);
    v = v * 32 + d;
  }
  return v;
}
