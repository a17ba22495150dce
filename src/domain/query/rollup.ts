/**
 * Clusters from per-cell aggregates: sums of a finer length's cells roll up into their prefix
 * cell (counts add, centroids are weighted by count), as the source notes build coarser clusters
 * from finer ones. Partial sums per (cell, bucket) partition combine the same way.
 */
import { encode } from "../geo/geo.js";

/** Sums over the events of one cell (or one partition of it). */
export interface CellSums {
  readonly cell: string;
  readonly count: number;
  readonly sumLat: number;
  readonly sumLon: number;
}

/** One cluster as the API answers it: `lat`/`lon` is the mean position of its events. */
export interface Cluster {
  readonly geohash: string;
  readonly count: number;
  readonly lat: number;
  readonly lon: number;
  readonly anomalies: number;
}

/** Adds up sums by the cell's prefix of `precision` (the cell itself when already that long). */
export function rollUp(sums: readonly CellSums[], precision: number): CellSums[] {
  const byCell = new Map<string, { count: number; sumLat: number; sumLon: number }>();
  for (const s of sums) {
    if (s.cell.length < precision) {
      throw new RangeError(`cell ${s.cell} is coarser than precision ${precision}`);
    }
    if (s.count === 0) continue;
    const key = s.cell.slice(0, precision);
    const acc = byCell.get(key) ?? { count: 0, sumLat: 0, sumLon: 0 };
    acc.count += s.count;
    acc.sumLat += s.sumLat;
    acc.sumLon += s.sumLon;
    byCell.set(key, acc);
  }
  return [...byCell].map(([cell, a]) => ({ cell, ...a }));
}

/** Anomalies per cell of `precision`, from the positions of the alerted events. */
export function anomaliesPerCell(
  points: readonly { lat: number; lon: number }[],
  precision: number,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of points) {
    const cell = encode(p.lat, p.lon, precision);
    out.set(cell, (out.get(cell) ?? 0) + 1);
  }
  return out;
}

/** Clusters from summed cells, largest first (then by hash, so the order is stable). */
export function toClusters(
  sums: readonly CellSums[],
  anomalies: ReadonlyMap<string, number> = new Map(),
): Cluster[] {
  return sums
    .filter((s) => s.count > 0)
    .map((s) => ({
      geohash: s.cell,
      count: s.count,
      lat: s.sumLat / s.count,
      lon: s.sumLon / s.count,
      anomalies: anomalies.get(s.cell) ?? 0,
    }))
    .sort((a, b) => b.count - a.count || (a.geohash < b.geohash ? -1 : 1));
}
