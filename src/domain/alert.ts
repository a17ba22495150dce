/**
 * The alert contract published on the anomaly topic (schema/anomaly-alert.v1.schema.json).
 * Built purely from the event, the search and the verdict, so a consumer can deduplicate by
 * `event.id` and partition by `region`.
 */
import type { GeoEvent } from "./event.js";
import { encode } from "./geo.js";
import type { SearchMode, SearchResult } from "./search.js";
import type { Verdict } from "./scoring.js";

export const ALERT_SCHEMA_VERSION = 1;

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
  readonly neighbourCount: number;
  readonly search: {
    readonly mode: SearchMode;
    readonly geohashLength: number;
    readonly geohash: string;
    readonly radiusMeters: number;
    readonly queries: number;
  };
  /** Coarse geohash of the event: the Kafka key, so consumers can partition by region. */
  readonly region: string;
  readonly detectedAt: string;
}

type Scored = Extract<Verdict, { kind: "scored" }>;

/** The alert for an anomalous verdict; rounding keeps the JSON readable without losing meaning. */
export function buildAlert(
  event: GeoEvent,
  verdict: Scored,
  search: SearchResult,
  mode: SearchMode,
  regionLength: number,
  nowMs: number,
): AnomalyAlert {
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
    neighbourCount: verdict.neighbourCount,
    search: {
      mode,
      geohashLength: search.stoppedAtLength,
      geohash: encode(event.lat, event.lon, Math.max(1, search.stoppedAtLength)),
      radiusMeters: Math.round(search.radiusMeters),
      queries: search.queries,
    },
    region: encode(event.lat, event.lon, regionLength),
    detectedAt: new Date(nowMs).toISOString(),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
