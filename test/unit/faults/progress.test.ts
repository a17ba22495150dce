import { describe, expect, it } from "vitest";
import {
  backlogAt,
  longestGroupStall,
  longestPartitionPause,
  peakBacklog,
  secondsUntilAllAdvance,
  type OffsetSample,
} from "../../../faults/progress.js";

/** Samples once a second for two partitions from [committed, end] pairs per second. */
function series(p0: [number, number][], p1: [number, number][]): OffsetSample[] {
  const out: OffsetSample[] = [];
  p0.forEach(([committed, end], i) => out.push({ tMs: i * 1000, partition: 0, committed, end }));
  p1.forEach(([committed, end], i) => out.push({ tMs: i * 1000, partition: 1, committed, end }));
  return out;
}

describe("progress of committed offsets", () => {
  // Partition 0 stalls from t=2 to t=6 with input waiting; partition 1 keeps committing.
  const samples = series(
    [
      [0, 5],
      [5, 10],
      [10, 15],
      [10, 20],
      [10, 25],
      [10, 30],
      [10, 35],
      [35, 40],
    ],
    [
      [0, 5],
      [5, 10],
      [10, 15],
      [15, 20],
      [20, 25],
      [25, 30],
      [30, 35],
      [35, 40],
    ],
  );

  it("finds the longest time one partition had waiting input and no commit", () => {
    // Last commit seen at t=2, the next one at t=7: it paused at most 5 s.
    expect(longestPartitionPause(samples, 0, 10_000)).toEqual({ partition: 0, seconds: 5 });
    expect(longestPartitionPause(samples, 7500, 10_000).seconds).toBe(0);
  });

  it("counts a gap in the samples (a broker down) as part of the pause", () => {
    const gap: OffsetSample[] = [
      { tMs: 0, partition: 0, committed: 0, end: 5 },
      { tMs: 1000, partition: 0, committed: 5, end: 10 },
      { tMs: 9000, partition: 0, committed: 10, end: 10 },
    ];
    expect(longestPartitionPause(gap, 0, 10_000).seconds).toBe(8);
  });

  it("counts a group stall only when no partition commits at all", () => {
    expect(longestGroupStall(samples, 0, 10_000)).toBe(0);
    const both = series(
      [
        [0, 5],
        [5, 10],
        [5, 15],
        [5, 20],
        [20, 20],
      ],
      [
        [0, 5],
        [5, 10],
        [5, 15],
        [5, 20],
        [20, 20],
      ],
    );
    expect(longestGroupStall(both, 0, 10_000)).toBe(2);
  });

  it("measures how soon every partition with waiting input commits after a fault", () => {
    expect(secondsUntilAllAdvance(samples, 2500)).toBe(4.5);
    const never = series(
      [
        [0, 5],
        [0, 10],
      ],
      [
        [0, 5],
        [5, 10],
      ],
    );
    expect(secondsUntilAllAdvance(never, 0)).toBeUndefined();
  });

  it("reads the backlog over all partitions", () => {
    expect(backlogAt(samples, 4000)).toBe(15 + 5);
    expect(peakBacklog(samples, 0, 10_000)).toBe(25 + 5);
  });
});
