/**
 * From a finished search to a verdict: too few neighbours within the distance bound is
 * `insufficient` with the reason, never an alert; otherwise the configured scorer decides.
 */
import type { Neighbour } from "./neighbours.js";
import type { SearchResult } from "./search.js";
import { SCORERS } from "./scorers.js";
import type { InsufficientReason, ScorerName, Verdict } from "./scoring.js";

export interface VerdictSettings {
  readonly scorer: ScorerName;
  readonly threshold: number;
  /** Fewer neighbours than this (within the bound) are not a neighbourhood. */
  readonly minNeighbours: number;
}

/** Why a search with too few neighbours could not be scored. */
export function insufficientReason(search: SearchResult): InsufficientReason {
  if (search.outcome === "budget") return "search_budget";
  return search.neighbours.length === 0 ? "no_history" : "sparse";
}

/** Kilometres east and north of (lat, lon), longitude wrapped at the antimeridian. */
export function offsetKm(
  lat: number,
  lon: number,
  n: Pick<Neighbour, "lat" | "lon">,
): [number, number] {
  const kmPerDegLon = 111.32 * Math.cos((lat * Math.PI) / 180);
  return [(((n.lon - lon + 540) % 360) - 180) * kmPerDegLon, (n.lat - lat) * 110.574];
}

/** The verdict on `value` at (lat, lon) given its search. */
export function judge(
  point: { readonly lat: number; readonly lon: number; readonly value: number },
  search: SearchResult,
  settings: VerdictSettings,
): Verdict {
  const n = search.neighbours.length;
  if (n === 0 || n < settings.minNeighbours) {
    return {
      kind: "insufficient",
      reason: insufficientReason(search),
      scorer: settings.scorer,
      neighbourCount: n,
      threshold: settings.threshold,
    };
  }
  // Oldest first: the order cusum reads its series in; the others do not care.
  const oldestFirst = [...search.neighbours].sort((a, b) => a.timeMs - b.timeMs);
  return SCORERS[settings.scorer]({
    value: point.value,
    neighbourValues: oldestFirst.map((x) => x.value),
    neighbourOffsetsKm: oldestFirst.map((x) => offsetKm(point.lat, point.lon, x)),
    threshold: settings.threshold,
  });
}
