/**
 * The neighbour search's rules, each pure and alone: which stored length reads a circle best, how
 * far to widen when the k nearest are not yet certain, and when to stop.
 */
import { circleCellBound } from "../geo/cover.js";
import { EARTH_RADIUS_METERS } from "../geo/geo.js";
import { gridShape } from "../geo/grid.js";
import type { ReadCircle, SearchLevel, SearchOutcome, SearchPolicy } from "./search-types.js";

/** Metres per degree of latitude on the mean sphere. */
export const METERS_PER_DEGREE = (EARTH_RADIUS_METERS * Math.PI) / 180;
/** A circle smaller than this is not worth a read of its own. */
export const MIN_RADIUS_METERS = 5;
/** Margin on density estimates: a little more area than the estimate says, to finish in one read. */
export const RADIUS_MARGIN = 1.1;
/** Each widening grows the circle at least this much. */
export const MIN_GROWTH = 1.3;
/** Cut reads redone at a finer length per search; after these, a cut shortens the window. */
export const MAX_REFINEMENTS = 2;

/**
 * The cheapest stored length for a read of the circle: each length's cells around it (at most
 * `maxCells`) cost a partition each per time bucket, and their area brings rows, about k for the
 * circle's own area (the radius is what held k last time around here). Coarse cells read many rows
 * from beyond the circle; fine ones many partitions. `levels` longest first; the coarsest stored
 * length when none fits under `maxCells`.
 */
export function chooseLength(
  around: ReadCircle,
  levels: readonly SearchLevel[],
  policy: Pick<SearchPolicy, "k" | "maxCellsPerRead" | "partitionCostRows">,
): SearchLevel {
  const { lat, lon, radiusMeters } = around;
  const circle = Math.PI * radiusMeters * radiusMeters;
  const cosLat = Math.max(0.01, Math.cos((lat * Math.PI) / 180));
  let best: SearchLevel | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const level of levels) {
    const cells = circleCellBound(lat, lon, radiusMeters, level.length);
    if (cells > policy.maxCellsPerRead) continue;
    const shape = gridShape(level.length);
    const cellArea = shape.widthDeg * shape.heightDeg * METERS_PER_DEGREE ** 2 * cosLat;
    // About two time buckets per read (horizon = bucket), so two partitions per cell.
    const cost = (policy.k * cells * cellArea) / circle + policy.partitionCostRows * cells * 2;
    if (cost < bestCost) {
      best = level;
      bestCost = cost;
    }
  }
  const chosen = best ?? levels[levels.length - 1];
  if (chosen === undefined) throw new Error("no geohash lengths to search");
  return chosen;
}

/** The largest side of a cell of `length` at latitude `lat`, in metres. */
export function cellExtentMeters(length: number, lat: number): number {
  const shape = gridShape(length);
  const height = shape.heightDeg * METERS_PER_DEGREE;
  const width = shape.widthDeg * METERS_PER_DEGREE * Math.max(0, Math.cos((lat * Math.PI) / 180));
  return Math.max(height, width);
}

/**
 * The next radius when the k nearest are not yet certain: the circle that would hold k events at
 * the density found inside the covered one (at least MIN_GROWTH wider, at most the bound, and the
 * bound itself when it is less than one more growth step away). With nothing found, the density is
 * below one event per covered area, so k need sqrt(2k) times the radius at least.
 */
export function nextRadius(
  coveredRadius: number,
  foundInside: number,
  k: number,
  maxDistance: number,
): number {
  const factor = Math.sqrt(k / Math.max(foundInside, 0.5)) * RADIUS_MARGIN;
  const next = Math.max(coveredRadius * MIN_GROWTH, coveredRadius * factor);
  // Within one growth step of the bound, take the bound: a thin last annulus costs a read of its own.
  return next * MIN_GROWTH >= maxDistance ? maxDistance : next;
}

/**
 * The stop rule: enough when the k-th nearest candidate lies inside the covered circle (nothing
 * unread can be nearer); bounded when the covered circle reaches the distance bound; budget when
 * the reads are used up.
 */
export function stopRule(
  kthDistance: number | undefined,
  coveredRadius: number,
  maxDistance: number,
  reads: number,
  maxReads: number,
): SearchOutcome | undefined {
  if (kthDistance !== undefined && kthDistance <= coveredRadius) return "complete";
  if (coveredRadius >= maxDistance) return "bounded";
  if (reads >= maxReads) return "budget";
  return undefined;
}
