/**
 * The geohash grid as integer rows and columns: a cell of length L is column `x` of 2^lonBits and
 * row `y` of 2^latBits. Covering an area is then arithmetic on indices, and a hash is built from
 * its indices without bisecting coordinates again.
 */

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/** A cell of the grid of one length: its hash and its bounds in degrees. */
export interface GridCell {
  readonly hash: string;
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
}

/** Shape of the grid at one length: how many columns and rows, and their size in degrees. */
export interface GridShape {
  readonly length: number;
  readonly columns: number;
  readonly rows: number;
  readonly widthDeg: number;
  readonly heightDeg: number;
}

function requireLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > 12) {
    throw new RangeError(`geohash length ${length} is not an integer in 1..12`);
  }
}

/** Longitude takes the first (odd) bits, so it gets the extra bit when 5·L is odd. */
export function gridShape(length: number): GridShape {
  requireLength(length);
  const bits = 5 * length;
  const lonBits = Math.ceil(bits / 2);
  const latBits = Math.floor(bits / 2);
  const columns = 2 ** lonBits;
  const rows = 2 ** latBits;
  return { length, columns, rows, widthDeg: 360 / columns, heightDeg: 180 / rows };
}

/**
 * Index of the cell holding `value` on an axis from `min` in steps of `size`: cells hold
 * (start, end], the first one also its start, as ngeohash bisects (a value on a boundary belongs
 * to the lower cell). Cell bounds are exact binary fractions, so the fix-up compares exactly.
 */
function indexOf(value: number, min: number, size: number, count: number): number {
  let i = Math.min(count - 1, Math.max(0, Math.ceil((value - min) / size) - 1));
  if (i > 0 && value <= min + i * size) i--;
  else if (i < count - 1 && value > min + (i + 1) * size) i++;
  return i;
}

/** Column of a longitude in [-180, 180], as ngeohash assigns it. */
export function columnOf(lon: number, shape: GridShape): number {
  return indexOf(lon, -180, shape.widthDeg, shape.columns);
}

/** Row of a latitude in [-90, 90], as ngeohash assigns it. */
export function rowOf(lat: number, shape: GridShape): number {
  return indexOf(lat, -90, shape.heightDeg, shape.rows);
}

/**
 * The hash of the cell at (column, row): longitude and latitude bits interleaved, longitude
 * first, 5 bits per character. Columns and rows have at most 30 bits (length 12), so 32-bit
 * shifts are exact.
 */
export function hashAt(column: number, row: number, shape: GridShape): string {
  const bits = 5 * shape.length;
  const lonBits = Math.ceil(bits / 2);
  const latBits = bits - lonBits;
  let out = "";
  let chunk = 0;
  for (let b = 0; b < bits; b++) {
    const bit =
      b % 2 === 0
        ? (column >> (lonBits - 1 - b / 2)) & 1
        : (row >> (latBits - 1 - (b - 1) / 2)) & 1;
    chunk = (chunk << 1) | bit;
    if (b % 5 === 4) {
      out += BASE32[chunk];
      chunk = 0;
    }
  }
  return out;
}

/** The cell at (column, row) with its bounds. */
export function cellAt(column: number, row: number, shape: GridShape): GridCell {
  const west = -180 + column * shape.widthDeg;
  const south = -90 + row * shape.heightDeg;
  return {
    hash: hashAt(column, row, shape),
    south,
    west,
    north: south + shape.heightDeg,
    east: west + shape.widthDeg,
  };
}

/** Columns covering the longitude range [west, east], wrapping when west > east. */
export function columnsInRange(west: number, east: number, shape: GridShape): number[] {
  const span = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let c = columnOf(from, shape); c <= columnOf(to, shape); c++) out.push(c);
    return out;
  };
  if (west <= east) return span(west, east);
  // Crossing the antimeridian: [west, 180] then [-180, east], without counting a column twice.
  const eastern = span(west, 180);
  const seen = new Set(eastern);
  return [...eastern, ...span(-180, east).filter((c) => !seen.has(c))];
}

/** Number of columns in [west, east] (wrapping when west > east), without listing them. */
export function columnCount(west: number, east: number, shape: GridShape): number {
  if (west <= east) return columnOf(east, shape) - columnOf(west, shape) + 1;
  return Math.min(shape.columns, shape.columns - columnOf(west, shape) + columnOf(east, shape) + 1);
}

/** Number of rows in [south, north]. */
export function rowCount(south: number, north: number, shape: GridShape): number {
  return rowOf(north, shape) - rowOf(south, shape) + 1;
}

/**
 * The (column, row) of a cell from its hash: the inverse of {@link hashAt}, so rows read back from
 * storage can be matched to the cell they were stored under by arithmetic on their coordinates.
 */
export function cellIndexOf(hash: string): { column: number; row: number } {
  let column = 0;
  let row = 0;
  let bit = 0;
  for (const ch of hash) {
    const value = BASE32.indexOf(ch);
    if (value < 0) throw new RangeError(`"${hash}" is not a geohash`);
    for (let b = 4; b >= 0; b--) {
      const v = (value >> b) & 1;
      if (bit % 2 === 0) column = column * 2 + v;
      else row = row * 2 + v;
      bit++;
    }
  }
  return { column, row };
}
