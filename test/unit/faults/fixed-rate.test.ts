import { describe, expect, it } from "vitest";
import { summariseCpu, type CpuSample } from "../../../faults/cpu.js";
import {
  judgeFixedRate,
  offsetsPartitionOf,
  type FixedRateResult,
} from "../../../faults/fixed-rate.js";
import {
  firstCommitAt,
  longestGroupStallWindow,
  type OffsetSample,
} from "../../../faults/progress.js";
import { addVerdicts, explainMisses } from "../../../faults/verdicts.js";
import type { TraceCheck } from "../../../bench/lib/trace.js";
import { traceCheck } from "../../support/trace-check.js";

/** One partition sampled once a second from [committed, end] pairs. */
function series(pairs: [number, number][]): OffsetSample[] {
  return pairs.map(([committed, end], i) => ({ tMs: i * 1000, partition: 0, committed, end }));
}

function check(eventId: string, over: Partial<TraceCheck> = {}): TraceCheck {
  const found = { neighbourIds: ["a", "b", "c"], neighbourDistancesMeters: [1, 2, 3] };
  return traceCheck({ eventId, ...found, score: 2.5, rowsRead: 3, partitionsRead: 1, ...over });
}

describe("the start-up figures", () => {
  it("finds the first commit of a new group, and none while nothing was committed", () => {
    expect(
      firstCommitAt(
        series([
          [0, 0],
          [0, 40],
          [0, 80],
          [30, 120],
        ]),
      ),
    ).toBe(3000);
    expect(
      firstCommitAt(
        series([
          [0, 10],
          [0, 20],
        ]),
      ),
    ).toBeUndefined();
    expect(firstCommitAt([])).toBeUndefined();
  });

  it("gives the longest stall with when it began and ended, counting only waiting input", () => {
    const samples = series([
      [0, 10],
      [10, 20],
      [10, 30],
      [10, 40],
      [40, 40],
      [40, 40],
      [40, 40],
      [40, 50],
      [50, 60],
    ]);
    expect(longestGroupStallWindow(samples, 0, 10_000)).toEqual({
      seconds: 2,
      fromMs: 1000,
      toMs: 3000,
    });
    // Counted from a moment inside the stall, the stall still counts from its beginning.
    expect(longestGroupStallWindow(samples, 2500, 10_000).seconds).toBe(2);
    // After it, input that waited one sample (6 s to 7 s) is a stall of 1 s.
    expect(longestGroupStallWindow(samples, 4000, 10_000).seconds).toBe(1);
  });
});

describe("the CPU beside a figure", () => {
  it("averages the busy share and the load within the window only", () => {
    const samples: CpuSample[] = [
      { tMs: 0, busy: 0.2, load1: 1 },
      { tMs: 1000, busy: 1, load1: 4 },
      { tMs: 2000, busy: 0.96, load1: 6 },
      { tMs: 3000, busy: 0.5, load1: 2 },
    ];
    const s = summariseCpu(samples, 1000, 2000, 2);
    expect(s.meanBusy).toBeCloseTo(0.98);
    expect(s.saturatedShare).toBe(1);
    expect(s.meanLoad1).toBe(5);
    expect(s.maxLoad1).toBe(6);
    expect(summariseCpu(samples, 10_000, 20_000, 2).meanBusy).toBe(0);
  });
});

describe("the verdict of each missed anomaly", () => {
  it("keeps the latest check of an event and counts its checks", () => {
    const verdicts = addVerdicts([
      check("x", { verdict: "insufficient", reason: "no_history", score: null }),
      check("x", { score: 3.2 }),
      check("y", { verdict: "insufficient", reason: "sparse", score: null }),
    ]);
    expect(verdicts.get("x")).toEqual({
      verdict: "scored",
      reason: null,
      score: 3.2,
      neighbours: 3,
      checks: 2,
    });
    const missed = explainMisses(["x", "y", "z"], verdicts, 4);
    expect(missed.map((m) => m.explanation)).toEqual([
      "scored 3.20 (threshold 4, 3 neighbours, checked 2 times)",
      "insufficient: sparse (3 neighbours)",
      "not traced: no detector recorded a check",
    ]);
    expect(missed[2]?.verdict).toBeUndefined();
  });
});

describe("the bar of a fixed-rate situation", () => {
  const clean: Omit<FixedRateResult, "passed" | "failures"> = {
    name: "start-up",
    title: "start-up",
    detail: "",
    produced: 100,
    anomalies: 1,
    lost: 0,
    missingRows: 0,
    duplicateRows: 0,
    missedAnomalies: 0,
    duplicateAlerts: 0,
    unexpectedAlerts: 0,
    feedPerSecond: 40,
    schemaSeconds: 3,
    detectorReadySeconds: [5, 6],
    firstCommitSeconds: 4,
    longestStallSeconds: 3,
    faultStallSeconds: null,
    longestPartitionPauseSeconds: 3,
    drainedSeconds: 10,
    cpu: { cores: 2, meanBusy: 0.5, saturatedShare: 0, meanLoad1: 1, maxLoad1: 2 },
    cpuDuringStall: { cores: 2, meanBusy: 0.5, saturatedShare: 0, meanLoad1: 1, maxLoad1: 2 },
    missed: [],
    lostEvents: [],
    crashes: 0,
    uncleanStops: 0,
  };

  it("passes a clean start and fails a late first commit, a long stall and a miss", () => {
    expect(judgeFixedRate(clean)).toEqual([]);
    expect(
      judgeFixedRate({
        ...clean,
        firstCommitSeconds: 36,
        longestStallSeconds: 63,
        missedAnomalies: 1,
      }),
    ).toEqual(["1 anomalies never alerted", "first commit after 36.0 s", "commits stalled 63.0 s"]);
    expect(judgeFixedRate({ ...clean, firstCommitSeconds: null })).toEqual([
      "first commit after never s",
    ]);
  });
});

describe("offsetsPartitionOf", () => {
  // Expected values from Java: Math.abs(id.hashCode()) % n (Kafka's Utils.abs maps MIN_VALUE to 0).
  it.each([
    ["geoanomaly", 10, 4],
    ["fixed-mx7e8abc-1f2e", 50, 43],
    ["polygenelubricants", 10, 0],
  ])("maps group %s over %i partitions to %i, as Kafka does", (groupId, partitions, expected) => {
    expect(offsetsPartitionOf(groupId, partitions)).toBe(expected);
  });
});
