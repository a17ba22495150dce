import { describe, expect, it } from "vitest";
import {
  DEFAULT_FULL_LAYOUT as DEFAULT_LAYOUT,
  DEFAULT_LAYOUT_BASIS,
} from "../../../src/domain/sizing/layout.js";
import { partitionVerdict, planLevels, UNIFORM_SHARE } from "../../../src/domain/sizing/plan.js";
import { niceDurationFloor } from "../../../src/domain/sizing/sizing.js";

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;
const YEAR = 365.25 * DAY;

/** The source article's inputs: uniform traffic, 24 bytes per row, 100 MB partitions. */
function article(eventsPerSecond: number) {
  return planLevels({
    eventsPerSecond,
    rowBytes: 24,
    partitionBytes: 100e6,
    hotCellShare: UNIFORM_SHARE,
    lengths: [1, 2, 3, 4, 5],
  });
}

function level(levels: ReturnType<typeof planLevels>, length: number) {
  const l = levels.find((x) => x.length === length);
  if (l === undefined) throw new Error(`no length ${length}`);
  return l;
}

describe("plan reproduces the source article's partition arithmetic", () => {
  it("at 200,000 events/s: length 1 buckets at most 10 minutes, length 2 just over 5 hours, length 3 7 days", () => {
    const plan = article(200_000);
    const l1 = level(plan, 1);
    const l2 = level(plan, 2);
    const l3 = level(plan, 3);
    // 200,000 / 32 cells x 24 bytes fills 100 MB in 666.7 s.
    expect(l1.fillSeconds.uniform).toBeCloseTo(100e6 / ((200_000 / 32) * 24), 6);
    expect(niceDurationFloor(l1.fillSeconds.uniform * 1000)).toBe(10 * MIN * 1000);
    expect(l1.bucketMs).toBe(10 * MIN * 1000);
    // 5.9 h: "just over 5 hours".
    expect(l2.fillSeconds.uniform).toBeGreaterThan(5 * HOUR);
    expect(l2.fillSeconds.uniform).toBeLessThan(6 * HOUR);
    // 7.9 days, whose largest whole duration is the article's 7 days (the plan caps buckets at 1 day).
    expect(niceDurationFloor(l3.fillSeconds.uniform * 1000)).toBe(7 * DAY * 1000);
    expect(l3.bucketMs).toBe(DAY * 1000);
  });

  it("at 220,000 events/s: a length-4 partition holds 230 days, a length-5 one 20 years", () => {
    const plan = article(220_000);
    expect(Math.round(level(plan, 4).fillSeconds.uniform / DAY)).toBe(230);
    expect(Math.round(level(plan, 5).fillSeconds.uniform / YEAR)).toBe(20);
  });

  it("gives the cardinality per length: length 4 is the first above 100,000 cells", () => {
    const plan = article(200_000);
    expect(plan.map((l) => [l.length, l.cells])).toEqual([
      [5, 33_554_432],
      [4, 1_048_576],
      [3, 32_768],
      [2, 1_024],
      [1, 32],
    ]);
    expect(plan.filter((l) => l.cells > 100_000).map((l) => l.length)).toEqual([5, 4]);
  });

  it("with the default basis chooses the default layout's buckets, horizons and TTLs", () => {
    const plan = planLevels({
      ...DEFAULT_LAYOUT_BASIS,
      lengths: DEFAULT_LAYOUT.map((l) => l.length),
    });
    expect(
      plan.map((l) => ({
        length: l.length,
        bucketMs: l.bucketMs,
        ttlSeconds: l.ttlSeconds,
        horizonMs: l.horizonMs,
      })),
    ).toEqual(
      DEFAULT_LAYOUT.map((l) => ({
        length: l.length,
        bucketMs: l.bucketMs,
        ttlSeconds: l.ttlSeconds,
        horizonMs: l.horizonMs,
      })),
    );
    for (const l of plan)
      expect(l.hotPartitionBytes ?? Infinity).toBeLessThanOrEqual(
        DEFAULT_LAYOUT_BASIS.partitionBytes,
      );
  });

  it("says which lengths cannot be bucketed instead of failing", () => {
    const plan = planLevels({
      eventsPerSecond: 200_000,
      rowBytes: 24,
      partitionBytes: 100e6,
      hotCellShare: 0.4,
      lengths: [1, 2],
    });
    expect(level(plan, 1).bucketMs).toBeNull();
    expect(level(plan, 1).problem).toMatch(/under the 1-minute minimum bucket/);
    expect(level(plan, 2).bucketMs).not.toBeNull();
  });

  it("judges observed partitions against the target", () => {
    expect(partitionVerdict({ table: "t", meanBytes: 1, maxBytes: 2e6, partitions: 3 }, 50e6)).toBe(
      "under",
    );
    expect(
      partitionVerdict({ table: "t", meanBytes: 1, maxBytes: 60e6, partitions: 3 }, 50e6),
    ).toBe("over");
    expect(
      partitionVerdict(
        { table: "t", meanBytes: undefined, maxBytes: undefined, partitions: 0 },
        50e6,
      ),
    ).toBe("no data");
  });
});
