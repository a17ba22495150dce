import { describe, expect, it } from "vitest";
import { traceRecall, type TracedCheck } from "../../../bench/lib/trace-recall.js";
import type { Candidate } from "../../../src/domain/neighbours.js";

/** An event `east` metres east of (0, 0) at time `t`; log order is the order of the list. */
const at = (id: string, east: number, t: number): Candidate => ({
  id,
  lat: 0,
  lon: east / 111_195,
  value: 1,
  timeMs: t,
});

// Production order: n1..n4 (stored long before), far (10 km away), old (before the window),
// self (the checked event), late (produced after self but with the same time: eligible).
const LOG: Candidate[] = [
  at("old", 2, 10),
  at("n1", 5, 100),
  at("n2", 10, 110),
  at("n3", 20, 120),
  at("n4", 30, 130),
  at("far", 10_000, 140),
  at("self", 0, 200),
  at("late", 1, 200),
];

function check(neighbourIds: string[], over: Partial<TracedCheck> = {}): TracedCheck {
  return {
    seq: 1,
    eventId: "self",
    lat: 0,
    lon: 0,
    timeMs: 200,
    neighbourIds,
    stopLength: 7,
    coveredRadiusMeters: 500,
    maxDistanceMeters: 5_000,
    windowFromMs: 50,
    windowToMs: 200,
    complete: true,
    ...over,
  };
}

describe("traceRecall", () => {
  it("gives recall 1 when the detector found the brute force's k nearest", () => {
    const r = traceRecall([check(["late", "n1", "n2"])], LOG, { k: 3 });
    expect(r.recall).toEqual({ mean: 1, p10: 1 });
    expect(r.mismatched).toBe(0);
    expect(r.completeShare).toBe(1);
    expect(r.withReference).toBe(1);
  });

  it("applies the distance bound min(maxDistance, covered radius) and the time window", () => {
    // Bound 25 m: n4 (30 m) and far are out; "old" is before the window.
    const r = traceRecall(
      [check(["late", "n1", "n2", "n3"], { coveredRadiusMeters: 25, maxDistanceMeters: 5_000 })],
      LOG,
      { k: 10 },
    );
    expect(r.recall.mean).toBe(1);
    expect(r.mismatched).toBe(0);
    const tighter = traceRecall([check(["late", "n1"], { maxDistanceMeters: 6 })], LOG, { k: 10 });
    expect(tighter.mismatched).toBe(0);
  });

  it("counts a neighbour the detector returned beyond the bound as extra", () => {
    const r = traceRecall([check(["late", "n1", "far"])], LOG, { k: 3 });
    expect(r.extraNeighbours).toBe(1);
    expect(r.missingNeighbours).toBe(1); // n2 should have been third
    expect(r.recall.mean).toBeCloseTo(2 / 3, 12);
  });

  it("tells a race (neighbour produced after the event) from a search miss", () => {
    const race = traceRecall([check(["n1", "n2", "n3"])], LOG, { k: 3 });
    expect(race.mismatched).toBe(1);
    expect(race.mismatchedRaceOnly).toBe(1);
    expect(race.mismatchedSearchMiss).toBe(0);
    expect(race.missingProducedAfter).toBe(1);
    expect(race.recall.mean).toBeCloseTo(2 / 3, 12);
    // Without the event still in flight, the reference is n1, n2, n3: the search itself was exact.
    expect(race.recallWithoutInFlight.mean).toBe(1);

    const miss = traceRecall([check(["late", "n1", "n3"])], LOG, { k: 3 });
    expect(miss.mismatchedSearchMiss).toBe(1);
    expect(miss.mismatchedRaceOnly).toBe(0);
    expect(miss.recallWithoutInFlight.mean).toBeCloseTo(2 / 3, 12);
    expect(miss.examples[0]).toMatchObject({ eventId: "self", missing: 1, missingInFlight: 0 });
  });

  it("counts neighbours produced shortly before the event as in flight when asked to", () => {
    // n4 is produced 3 events before self; the detector missed it.
    const trace = [check(["late", "n1", "n2", "n3"])];
    expect(traceRecall(trace, LOG, { k: 5 }).mismatchedSearchMiss).toBe(1);
    const lenient = traceRecall(trace, LOG, { k: 5, inFlightBefore: 3 });
    expect(lenient.mismatchedRaceOnly).toBe(1);
    expect(lenient.missingInFlight).toBe(1);
    expect(lenient.missingProducedAfter).toBe(0);
  });

  it("has no figures for an empty trace", () => {
    const r = traceRecall([], LOG, { k: 3 });
    expect(r).toMatchObject({
      traced: 0,
      evaluated: 0,
      withReference: 0,
      recall: { mean: null, p10: null },
      completeShare: null,
      mismatchedShare: null,
    });
  });

  it("leaves out checks of unknown events and isolated checks without a reference", () => {
    const isolated = check([], {
      eventId: "far",
      lon: 10_000 / 111_195,
      timeMs: 140,
      windowToMs: 140,
    });
    const r = traceRecall(
      [check(["x"], { eventId: "not-in-log" }), { ...isolated, maxDistanceMeters: 100 }],
      LOG,
      { k: 3 },
    );
    expect(r.unknownEvents).toBe(1);
    expect(r.evaluated).toBe(1);
    expect(r.withReference).toBe(0);
    expect(r.mismatched).toBe(0);
    expect(r.recall.mean).toBeNull();
  });

  it("flags entries whose position or time disagree with the log", () => {
    const r = traceRecall([check(["late", "n1", "n2"], { timeMs: 201 })], LOG, { k: 3 });
    expect(r.inconsistent).toBe(1);
  });

  it("takes the recall p10 and the complete share over all traced checks", () => {
    const checks = [
      ...Array.from({ length: 9 }, (_, i) => check(["late", "n1", "n2"], { seq: i })),
      check(["n3"], { seq: 9, complete: false }),
    ];
    const r = traceRecall(checks, LOG, { k: 3 });
    expect(r.recall.p10).toBe(0);
    expect(r.recall.mean).toBeCloseTo(0.9, 12);
    expect(r.completeShare).toBeCloseTo(0.9, 12);
    expect(r.mismatchedShare).toBeCloseTo(0.1, 12);
  });

  it("decides in flight by write time when it is known: stored after the search began is a race", () => {
    // The search began at 10,000 ms; n1 was written at 9,900 (inside the 2 s grace), n2 long before.
    const stored = new Map([
      ["late", 20_000],
      ["n1", 9_900],
      ["n2", 1_000],
      ["n3", 1_000],
      ["n4", 1_000],
    ]);
    const withTimes = check(["n2", "n3", "n4"], { searchStartedAtMs: 10_000 });
    const r = traceRecall([withTimes], LOG, { k: 3, storedAtMs: stored });
    expect(r.mismatchedRaceOnly).toBe(1);
    expect(r.mismatchedSearchMiss).toBe(0);
    expect(r.recallWithoutInFlight.mean).toBe(1);
    // Without n2 (stored in time and nearer than n3), the search missed something.
    const miss = traceRecall([check(["n3", "n4"], { searchStartedAtMs: 10_000 })], LOG, {
      k: 3,
      storedAtMs: stored,
    });
    expect(miss.mismatchedSearchMiss).toBe(1);
  });
});
