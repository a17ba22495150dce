/**
 * GET /v1/near: what `geoanomaly near` prints, as JSON. The one place that turns the detector's
 * evaluation of a point into the API's answer: the search result is passed through as it is
 * (minus its neighbour list, answered separately with times as text), so fields the search gains
 * reach the API without touching the route.
 */
import { circleCellBound } from "../domain/geo/cover.js";
import type { GeoEvent } from "../domain/detect/event.js";
import type { LevelLayout } from "../domain/sizing/levels.js";
import type { SearchResult } from "../domain/detect/search.js";
import type { Verdict } from "../domain/detect/scoring.js";
import { iso, refuse } from "./context.js";

/** Evaluates a point as the detector would (nothing stored), with `k` neighbours wanted. */
export type NearEvaluator = (
  point: GeoEvent,
  k: number,
) => Promise<{ search: SearchResult; verdict: Verdict }>;

export interface NearRequest {
  readonly lat: number;
  readonly lon: number;
  readonly k: number;
  /** Also score this value against the neighbours. */
  readonly value?: number;
  readonly timeMs: number;
}

export interface NearAnswer {
  readonly lat: number;
  readonly lon: number;
  readonly time: string;
  readonly k: number;
  readonly search: Omit<SearchResult, "neighbours">;
  readonly neighbours: {
    id: string;
    lat: number;
    lon: number;
    value: number;
    time: string;
    distanceMeters: number;
  }[];
  /** Present when a value was given. */
  readonly verdict?: Verdict;
}

export async function queryNear(evaluate: NearEvaluator, req: NearRequest): Promise<NearAnswer> {
  const point: GeoEvent = {
    id: "(query point)",
    lat: req.lat,
    lon: req.lon,
    value: req.value ?? Number.NaN,
    timeMs: req.timeMs,
  };
  const { search, verdict } = await evaluate(point, req.k);
  const { neighbours, ...rest } = search;
  return {
    lat: req.lat,
    lon: req.lon,
    time: iso(req.timeMs),
    k: req.k,
    search: rest,
    neighbours: neighbours.map((n) => ({
      id: n.id,
      lat: n.lat,
      lon: n.lon,
      value: n.value,
      time: iso(n.timeMs),
      distanceMeters: Math.round(n.distanceMeters * 10) / 10,
    })),
    ...(req.value === undefined ? {} : { verdict }),
  };
}

/** What bounds one search, from the detector's settings: the reads, cells and rows it may take. */
export interface NearLimits {
  readonly layout: LevelLayout;
  readonly maxReads: number;
  readonly maxCellsPerRead: number;
  readonly rowsPerPartition: number;
  readonly maxDistanceMeters: number;
}

/**
 * The most a search at the point can read, by arithmetic: each of at most `maxReads` reads covers
 * at most `maxCellsPerRead` cells (or, where no length fits that, the coarsest length's cells
 * around the distance bound), each cell a partition per time bucket its horizon touches, each
 * partition at most `rowsPerPartition` rows.
 */
export function nearReadBound(
  lat: number,
  lon: number,
  limits: NearLimits,
): { partitions: number; rows: number } {
  const coarsest = Math.min(...limits.layout.map((l) => l.length));
  const cells = Math.max(
    limits.maxCellsPerRead,
    circleCellBound(lat, lon, limits.maxDistanceMeters, coarsest),
  );
  const buckets = Math.max(...limits.layout.map((l) => Math.ceil(l.horizonMs / l.bucketMs) + 1));
  const partitions = limits.maxReads * cells * buckets;
  return { partitions, rows: partitions * limits.rowsPerPartition };
}

/** Refuses a near query whose worst case exceeds the request budgets (before anything is read). */
export function checkNearCost(
  lat: number,
  lon: number,
  limits: NearLimits,
  budget: { readonly maxPartitions: number; readonly maxRows: number },
): void {
  const { partitions, rows } = nearReadBound(lat, lon, limits);
  if (partitions > budget.maxPartitions || rows > budget.maxRows) {
    refuse(
      `query too large: a search here may read ${partitions} partitions and ${rows} rows ` +
        `(SEARCH_MAX_READS x SEARCH_MAX_CELLS x buckets x SEARCH_ROWS_PER_PARTITION), more than one ` +
        `request may (API_MAX_PARTITIONS ${budget.maxPartitions}, API_MAX_ROWS ${budget.maxRows}): ` +
        "raise those or lower the search's settings",
      "QUERY_TOO_LARGE",
    );
  }
}
