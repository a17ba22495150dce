import { describe, expect, it } from "vitest";
import {
  neighbourRecall,
  type NeighbourRecallInput,
  type TopicPosition,
  type TracedCheck,
} from "../../../bench/lib/neighbour-recall.js";
import type { Candidate } from "../../../src/domain/detect/neighbours.js";

/** An event `east` metres east of (0, 0) at time `t`. */
const at = (id: string, east: number, t: number): Candidate => ({
  id,
  lat: 0,
  lon: east / 111_195,
  value: 1,
  timeMs: t,
});

// n1..n4 long before; "old" nearer but an hour before self (inside the nominal 2 h window of
// length 6, outside a window the row bound cut to 10 minutes); "far" beyond the 5 km bound;
// "peer" and "later" share self's time: "peer" on another partition, "later" on self's, after it.
const HOUR = 3_600_000;
const T = 10 * HOUR;
const EVENTS: Candidate[] = [
  at("old", 1, T - HOUR),
  at("n1", 5, T - 100),
  at("n2", 10, T - 90),
  at("n3", 20, T - 80),
  at("n4", 30, T - 70),
  at("far", 10_000, T - 60),
  at("self", 0, T),
  at("peer", 2, T),
  at("later", 3, T),
];

const pos = (partition: number, offset: number): TopicPosition => ({
  partition,
  offset: BigInt(offset),
});
const POSITIONS = new Map<string, TopicPosition>([
  ["old", pos(0, 1)],
  ["n1", pos(0, 2)],
  ["n2", pos(1, 1)],
  ["n3", pos(1, 2)],
  ["n4", pos(2, 1)],
  ["far", pos(2, 2)],
  ["self", pos(0, 10)],
  ["peer", pos(1, 3)],
  ["later", pos(0, 11)],
]);
/** Every row written long before the search (at 1,000 ms), unless a test says otherwise. */
const STORED = new Map(EVENTS.map((e) => [e.id, 1_000]));
const SEARCH_STARTED = 50_000;

function check(neighbourIds: string[], over: Partial<TracedCheck> = {}): TracedCheck {
  return {
    seq: 1,
    eventId: "self",
    lat: 0,
    lon: 0,
    timeMs: T,
    neighbourIds,
    stopLength: 6,
    complete: true,
    searchStartedAtMs: SEARCH_STARTED,
    windowFromMs: T - 2 * HOUR,
    windowToMs: T,
    partition: 0,
    offset: "10",
    ...over,
  };
}

function run(
  checks: TracedCheck[],
  k: number,
  over: Partial<NeighbourRecallInput> = {},
): ReturnType<typeof neighbourRecall> {
  return neighbourRecall({
    checks,
    events: EVENTS,
    k,
    maxDistanceMeters: 5_000,
    horizonMsByLength: new Map([[6, 2 * HOUR]]),
    positions: POSITIONS,
    storedAtMs: STORED,
    ...over,
  });
}

/** k = 3 over one check that found `found`, with one event stored at another time than the rest. */
function runStoring(
  [id, storedAtMs]: [string, number],
  found: string[],
): ReturnType<typeof neighbourRecall> {
  return run([check(found)], 3, { storedAtMs: new Map([...STORED, [id, storedAtMs]]) });
}

describe("neighbourRecall", () => {
  it("gives recall 1 when the detector found the reference's k nearest", () => {
    const r = run([check(["old", "peer", "n1"])], 3);
    expect(r.recall).toEqual({ mean: 1, p10: 1 });
    expect(r.recallWithInFlight.mean).toBe(1);
    expect(r.mismatched).toBe(0);
    expect(r.referenceNeighbours).toBe(3);
    expect(r).toMatchObject({ storeRead: true, positionsKnown: true, inconsistent: 0 });
  });

  it("never counts a later offset of the same partition, and flags a detector that returns one", () => {
    // "later" (3 m, same time, partition 0 after self) is out; "peer" (partition 1) is in.
    const broke = run([check(["old", "peer", "later"])], 3);
    expect(broke.extraLaterSamePartition).toBe(1);
    expect(broke.missingSearch).toBe(1); // n1 should have been third
    expect(broke.recall.mean).toBeCloseTo(2 / 3, 12);
    // Without positions the rule cannot apply: "later" is then a fair neighbour.
    const blind = run([check(["old", "peer", "later"])], 3, { positions: undefined });
    expect(blind.recall.mean).toBe(1);
    expect(blind.positionsKnown).toBe(false);
  });

  it("uses the nominal window of the stop length, not a window a row bound cut short", () => {
    // The detector's window was cut to the last 10 minutes, so it never saw "old" (1 m away).
    const cut = check(["peer", "n1", "n2"], { windowFromMs: T - 600_000 });
    const r = run([cut], 3);
    expect(r.missingSearch).toBe(1);
    expect(r.recall.mean).toBeCloseTo(2 / 3, 12);
    expect(r.examples[0]).toMatchObject({ missingSearch: 1, searchMissWrittenBeforeMs: 49_000 });
    // At a stop length with a 10-minute horizon, "old" is outside the nominal window.
    const short = run([check(["peer", "n1", "n2"], { stopLength: 5 })], 3, {
      horizonMsByLength: new Map([[5, 600_000]]),
    });
    expect(short.recall.mean).toBe(1);
  });

  it("uses the configured distance bound", () => {
    const r = run([check(["old", "peer", "n1", "n2", "n3", "n4"])], 10);
    expect(r.recall.mean).toBe(1); // "far" is beyond 5 km
    const wide = run([check(["old", "peer", "n1", "n2", "n3", "n4"])], 10, {
      maxDistanceMeters: 20_000,
    });
    expect(wide.recall.mean).toBeCloseTo(6 / 7, 12);
  });

  it("reports a neighbour of another partition written after the search began as in flight", () => {
    const r = runStoring(["peer", SEARCH_STARTED + 5], ["old", "n1", "n2"]);
    expect(r.missingInFlight).toBe(1);
    expect(r.mismatchedRaceOnly).toBe(1);
    expect(r.mismatchedMiss).toBe(0);
    expect(r.recall.mean).toBe(1); // n2 is third once "peer" is left out
    expect(r.recallWithInFlight.mean).toBeCloseTo(2 / 3, 12);
    expect(r.inFlightShare).toBeCloseTo(1 / 3, 12);
  });

  it("never excuses a neighbour written a moment before the search (no grace)", () => {
    const r = runStoring(["peer", SEARCH_STARTED - 1], ["old", "n1", "n2"]);
    expect(r.missingInFlight).toBe(0);
    expect(r.missingSearch).toBe(1);
    expect(r.examples[0]?.searchMissWrittenBeforeMs).toBe(1);
  });

  it("never calls an earlier offset of the same partition in flight, whenever it was written", () => {
    // n1 (partition 0, before self) written after the search began: the batch saw it in memory.
    const r = runStoring(["n1", SEARCH_STARTED + 5], ["old", "peer", "n2"]);
    expect(r.missingInFlight).toBe(0);
    expect(r.missingSearch).toBe(1);
    expect(r.missingSearchSamePartition).toBe(1);
    expect(r.recall.mean).toBeCloseTo(2 / 3, 12);
  });

  it("counts a neighbour with no stored row as lost, a loss and never in flight", () => {
    const stored = new Map([...STORED].filter(([id]) => id !== "peer"));
    const r = run([check(["old", "n1", "n2"])], 3, { storedAtMs: stored });
    expect(r.missingLost).toBe(1);
    expect(r.missingInFlight).toBe(0);
    expect(r.mismatchedMiss).toBe(1);
    expect(r.recall.mean).toBeCloseTo(2 / 3, 12);
    expect(r.examples[0]).toMatchObject({ missingLost: 1, missingSearch: 0 });
  });

  it("classifies nothing when the store was not read", () => {
    const r = run([check(["old", "n1", "n2"])], 3, { storedAtMs: undefined });
    expect(r.storeRead).toBe(false);
    expect(r).toMatchObject({ missingInFlight: 0, missingLost: 0, missingSearch: 1 });
  });

  it("flags an entry whose time or Kafka record disagrees with the row", () => {
    expect(run([check(["old", "peer", "n1"], { timeMs: T + 1 })], 3).inconsistent).toBe(1);
    expect(run([check(["old", "peer", "n1"], { offset: "9" })], 3).inconsistent).toBe(1);
    expect(run([check(["old", "peer", "n1"], { partition: undefined })], 3).inconsistent).toBe(0);
  });

  it("leaves out unknown events and checks without a reference", () => {
    const lonely = check([], { eventId: "far", lon: 10_000 / 111_195, timeMs: T - 60 });
    const r = run([check(["x"], { eventId: "nope" }), lonely], 3, { maxDistanceMeters: 100 });
    expect(r).toMatchObject({ unknownEvents: 1, evaluated: 1, withReference: 0, mismatched: 0 });
    expect(r.recall.mean).toBeNull();
  });

  it("has no figures for an empty trace", () => {
    expect(run([], 3)).toMatchObject({
      traced: 0,
      recall: { mean: null, p10: null },
      completeShare: null,
      mismatchedShare: null,
      inFlightShare: null,
    });
  });
});
