/**
 * The stored layout: which geohash lengths get a table, and each one's bucket, horizon and TTL,
 * derived from a stated traffic basis by the sizing arithmetic and from the neighbour distance
 * bound (a length whose cells are far larger than the bound cannot help a search).
 */
import { circleCellBound } from "../geo/cover.js";
import { validateLayout, type LevelLayout } from "./levels.js";
import { sizeLayout } from "./sizing.js";

/** What a layout is sized for. */
export interface LayoutBasis {
  /** Events per second worldwide. */
  readonly eventsPerSecond: number;
  /** Bytes of one stored row (id, lat, lon, value, time plus Cassandra overhead). */
  readonly rowBytes: number;
  /** Partition size to stay under. */
  readonly partitionBytes: number;
  /** Share of a parent cell's traffic its hottest child gets, per geohash character (see sizing.ts). */
  readonly hotCellShare: number;
}

/**
 * The default basis: 2,000 events/s, ~120 bytes per row, a 50 MB partition target, and 40% of a
 * cell's traffic in its hottest child. It gives (see sizing.ts for the arithmetic):
 *
 * | length | cell (equator)  | hot cell ev/s | fills 50 MB in | bucket | horizon | TTL      |
 * |--------|-----------------|---------------|----------------|--------|---------|----------|
 * | 8      | 38 m x 19 m     | 1.31          | 3.7 days       | 1 day  | 1 day   | 49 h     |
 * | 7      | 153 m x 152 m   | 3.28          | 1.5 days       | 1 day  | 1 day   | 49 h     |
 * | 6      | 1.2 km x 609 m  | 8.19          | 14.1 h         | 12 h   | 12 h    | 25 h     |
 * | 5      | 4.9 km x 4.9 km | 20.5          | 5.7 h          | 4 h    | 4 h     | 9 h      |
 * | 4      | 39 km x 19.5 km | 51.2          | 2.3 h          | 2 h    | 2 h     | 5 h      |
 * | 3      | 156 km x 156 km | 128           | 54 min         | 30 min | 30 min  | 2 h      |
 * | 2      | 1252 km x 624 km| 320           | 22 min         | 15 min | 15 min  | 90 min   |
 * | 1      | 5009 km x 4993 km| 800          | 8.7 min        | 5 min  | 5 min   | 70 min   |
 */
export const DEFAULT_LAYOUT_BASIS: LayoutBasis = {
  eventsPerSecond: 2_000,
  rowBytes: 120,
  partitionBytes: 50_000_000,
  hotCellShare: 0.4,
};

/** The finest length stored by default: 38 m x 19 m cells, finer than any useful neighbourhood. */
export const FINEST_LENGTH = 8;

/**
 * The lengths a search with this distance bound can use: from FINEST_LENGTH down to the finest
 * length whose cells around a circle of the bound (at the equator) number at most `maxCells`.
 * Coarser cells would only add rows from beyond the bound to every read.
 */
export function searchLengths(maxDistanceMeters: number, maxCells: number): number[] {
  let coarsest = 1;
  for (let length = FINEST_LENGTH; length >= 1; length--) {
    if (circleCellBound(0, 0, maxDistanceMeters, length) <= maxCells) {
      coarsest = length;
      break;
    }
  }
  const out: number[] = [];
  for (let length = FINEST_LENGTH; length >= coarsest; length--) out.push(length);
  return out;
}

/** The layout of `lengths` (longest first) sized for `basis`; throws naming every problem. */
export function buildLayout(basis: LayoutBasis, lengths: readonly number[]): LevelLayout {
  if (lengths.length === 0)
    throw new RangeError("no geohash lengths configured; need at least one");
  if (new Set(lengths).size !== lengths.length) {
    throw new RangeError(`geohash lengths must not repeat, got ${lengths.join(",")}`);
  }
  const layout = sizeLayout({ ...basis, lengths });
  const problems = validateLayout(layout);
  if (problems.length > 0) throw new RangeError(problems.join("; "));
  return layout;
}

/** The layout with the default basis and every length 1..8, for documentation and tests. */
export const DEFAULT_FULL_LAYOUT: LevelLayout = buildLayout(
  DEFAULT_LAYOUT_BASIS,
  [8, 7, 6, 5, 4, 3, 2, 1],
);

/** The default basis's layout of `lengths`: what tests and documentation size examples with. */
export function defaultLayout(lengths: readonly number[]): LevelLayout {
  return buildLayout(DEFAULT_LAYOUT_BASIS, lengths);
}
