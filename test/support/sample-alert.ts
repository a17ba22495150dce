/** An alert of the v2 contract for unit tests, at a place and time, detected `detectedAfterMs` later. */
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";

export function sampleAlert(
  id: string,
  lat: number,
  lon: number,
  timeMs: number,
  detectedAfterMs = 100,
): AnomalyAlert {
  return {
    schemaVersion: 2,
    event: { id, lat, lon, time: new Date(timeMs).toISOString(), value: 42 },
    score: 9.5,
    threshold: 4,
    scorer: "local",
    direction: "high",
    expected: 20,
    spread: 1,
    neighbours: { count: 50, medianDistanceMeters: 5, maxDistanceMeters: 9 },
    search: {
      geohashLength: 8,
      geohash: "u09tvw0f",
      coveredRadiusMeters: 12,
      maxDistanceMeters: 25_000,
      windowFrom: new Date(timeMs - 86_400_000).toISOString(),
      windowTo: new Date(timeMs).toISOString(),
      outcome: "complete",
      reads: 1,
      rowsRead: 60,
    },
    region: "u09",
    detectedAt: new Date(timeMs + detectedAfterMs).toISOString(),
  };
}
