/**
 * A checked outcome for unit tests of the batch handler: no neighbours, an `insufficient`
 * verdict, and an alert naming the event when the test calls it anomalous.
 */
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";
import type { GeoEvent } from "../../src/domain/detect/event.js";
import type { CheckOutcome } from "../../src/pipeline/detector.js";

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
