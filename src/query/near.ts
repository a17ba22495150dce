/**
 * GET /v1/near: what `geoanomaly near` prints, as JSON. The one place that turns the detector's
 * evaluation of a point into the API's answer: the search result is passed through as it is
 * (minus its neighbour list, answered separately with times as text), so fields the search gains
 * reach the API without touching the route.
 */
import type { GeoEvent } from "../domain/event.js";
import type { SearchResult } from "../domain/search.js";
import type { Verdict } from "../domain/scoring.js";
import { iso } from "./context.js";

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
