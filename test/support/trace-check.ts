import type { TraceCheck } from "../../bench/lib/trace.js";

/**
 * One traced check as GET /trace answers it: a complete, scored search with its defaults
 * (length 6, 100 m covered, the 25 km bound); a test overrides what it is about.
 */
export function traceCheck(over: Partial<TraceCheck> = {}): TraceCheck {
  return {
    seq: 1,
    eventId: "e1",
    lat: 0,
    lon: 0,
    timeMs: 0,
    neighbourIds: [],
    neighbourDistancesMeters: [],
    stopLength: 6,
    coveredRadiusMeters: 100,
    maxDistanceMeters: 25_000,
    windowFromMs: 0,
    windowToMs: 0,
    complete: true,
    verdict: "scored",
    reason: null,
    rowsRead: 0,
    partitionsRead: 0,
    steps: 1,
    ...over,
  };
}
