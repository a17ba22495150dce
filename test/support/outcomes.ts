/**
 * Search results and checked outcomes for unit tests: what the detector's search and check
 * answer, with the figures a test is about and plausible ones elsewhere.
 */
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";
import type { GeoEvent } from "../../src/domain/detect/event.js";
import type { Neighbour } from "../../src/domain/detect/neighbours.js";
import type { SearchResult } from "../../src/domain/detect/search.js";
import type { CheckOutcome } from "../../src/pipeline/detector.js";

/** A complete search at length 6 over one window; a test overrides what it is about. */
export function searchResult(over: Partial<SearchResult> = {}): SearchResult {
  return {
    neighbours: [],
    outcome: "complete",
    stopLength: 6,
    coveredRadiusMeters: 1000,
    maxDistanceMeters: 25_000,
    windowFromMs: 0,
    windowToMs: 1,
    windowCut: false,
    reads: 1,
    rowsRead: 10,
    partitionsRead: 4,
    ...over,
  };
}

/**
 * Neighbours `n0`, `n1`… at `distances` metres (nearest first), all at `place`, each `olderByMs`
 * older than the one before.
 */
export function neighboursAt(
  distances: readonly number[],
  place: Omit<Neighbour, "id" | "distanceMeters"> = { lat: 0, lon: 0, value: 0, timeMs: 0 },
  olderByMs = 0,
): Neighbour[] {
  return distances.map((d, i) => ({
    ...place,
    id: `n${i}`,
    timeMs: place.timeMs - i * olderByMs,
    distanceMeters: d,
  }));
}

/** A checked outcome for the batch handler: an alert naming the event when the test calls it anomalous. */

export function checkedOutcome(event: GeoEvent, anomalous: boolean): CheckOutcome {
  const alert = anomalous ? ({ event: { id: event.id } } as unknown as AnomalyAlert) : undefined;
  return {
    kind: "checked",
    event,
    search: {
      neighbours: [],
      outcome: "bounded",
      stopLength: 4,
      coveredRadiusMeters: 25_000,
      maxDistanceMeters: 25_000,
      windowFromMs: 0,
      windowToMs: event.timeMs,
      windowCut: false,
      reads: 1,
      rowsRead: 0,
      partitionsRead: 8,
    },
    verdict: {
      kind: "insufficient",
      reason: "no_history",
      scorer: "robust",
      neighbourCount: 0,
      threshold: 4,
    },
    ...(alert === undefined ? {} : { alert }),
  };
}
