/**
 * The alert contract published on the anomaly topic (schema/anomaly-alert.v2.schema.json).
 * Built purely from the event, the search and the verdict, so a consumer can deduplicate by
 * `event.id`, partition by `region`, and judge the alert by where its neighbours were.
 */
import type { GeoEvent } from "./event.js";
import type { SearchOutcome, SearchResult } from "./search.js";
import type { Verdict } from "./scoring.js";

/** Version 2: neighbour distances, the distance bound and the time window (see the README). */
export const ALERT_SCHEMA_VERSION = 2;

export interface AnomalyAlert {
  readonly schemaVersion: typeof ALERT_SCHEMA_VERSION;
  readonly event: {
    readonly id: string;
    readonly lat: number;
    readonly lon: number;
    readonly time: string;
    readonly value: number;
  };
  readonly score: number;
  readonly threshold: number;
  readonly scorer: string;
  readonly direction: "high" | "low";
  readonly expected: number;
  readonly spread: number;
  /** The neighbours the score was computed against, and how far away they were. */
  readonly neighbours: {
    readonly count: number;
    readonly medianDistanceMeters: number;
    readonly maxDistanceMeters: number;
  };
  readonly search: {
    readonly geohashLength: number;
    readonly geohash: string;
    readonly coveredRadiusMeters: number;
    readonly maxDistanceMeters: number;
    readonly windowFrom: string;
    readonly windowTo: string;
    readonly outcome: SearchOutcome;
    readonly reads: number;
    readonly rowsRead: number;
  };
  /** Coarse geohash of the event: the Kafka key, so consumers can partition by region. */
  readonly region: string;
  readonly detectedAt: string;
}

type Scored = Extract<Verdict, { kind: "scored" }>;

/** Median of distances sorted ascending (the search returns its neighbours nearest first). */
function medianOfSorted(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/**
 * The alert for an anomalous verdict. `hash` is the event's longest geohash (every shorter one
 * is a prefix); rounding keeps the JSON readable without losing meaning.
 */
export function buildAlert(
  event: GeoEvent,
  hash: string,
  verdict: Scored,
  search: SearchResult,
  regionLength: number,
  nowMs: number,
): AnomalyAlert {
  const distances = search.neighbours.map((n) => n.distanceMeters);
  return {
    schemaVersion: ALERT_SCHEMA_VERSION,
    event: {
      id: event.id,
      lat: event.lat,
      lon: event.lon,
      time: new Date(event.timeMs).toISOString(),
      value: event.value,
    },
    score: round(verdict.score, 4),
    threshold: verdict.threshold,
    scorer: verdict.scorer,
    direction: verdict.score >= 0 ? "high" : "low",
    expected: round(verdict.expected, 6),
    spread: round(verdict.spread, 6),
    neighbours: {
      count: verdict.neighbourCount,
      medianDistanceMeters: round(medianOfSorted(distances), 1),
      maxDistanceMeters: round(distances.at(-1) ?? 0, 1),
    },
    search: {
      geohashLength: search.stopLength,
      geohash: hash.slice(0, Math.max(1, search.stopLength)),
      coveredRadiusMeters: Math.round(search.coveredRadiusMeters),
      maxDistanceMeters: search.maxDistanceMeters,
      windowFrom: new Date(search.windowFromMs).toISOString(),
      windowTo: new Date(search.windowToMs).toISOString(),
      outcome: search.outcome,
      reads: search.reads,
      rowsRead: search.rowsRead,
    },
    region: hash.slice(0, regionLength),
    detectedAt: new Date(nowMs).toISOString(),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
