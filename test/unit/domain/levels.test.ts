import { describe, expect, it } from "vitest";
import {
  buildLayout,
  DEFAULT_FULL_LAYOUT as DEFAULT_LAYOUT,
  DEFAULT_LAYOUT_BASIS,
  searchLengths,
} from "../../../src/domain/sizing/layout.js";
import {
  bucketStart,
  bucketsInRange,
  compactionWindow,
  tableName,
  validateLayout,
  type LevelSpec,
} from "../../../src/domain/sizing/levels.js";
import { partitionBytesAfter, secondsToFill } from "../../../src/domain/sizing/sizing.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("DEFAULT_LAYOUT", () => {
  it("is valid", () => {
    expect(validateLayout(DEFAULT_LAYOUT)).toEqual([]);
  });

  it("pins the documented table (length, bucket, horizon, TTL)", () => {
    expect(DEFAULT_LAYOUT.map((s) => [s.length, s.bucketMs, s.horizonMs, s.ttlSeconds])).toEqual([
      [8, DAY, DAY, 49 * 3600],
      [7, DAY, DAY, 49 * 3600],
      [6, 12 * HOUR, 12 * HOUR, 25 * 3600],
      [5, 4 * HOUR, 4 * HOUR, 9 * 3600],
      [4, 2 * HOUR, 2 * HOUR, 5 * 3600],
      [3, 30 * MIN, 30 * MIN, 2 * 3600],
      [2, 15 * MIN, 15 * MIN, 90 * 60],
      [1, 5 * MIN, 5 * MIN, 70 * 60],
    ]);
  });

  it("keeps every hot partition of the basis under the partition target", () => {
    const { eventsPerSecond, rowBytes, partitionBytes, hotCellShare } = DEFAULT_LAYOUT_BASIS;
    for (const s of DEFAULT_LAYOUT) {
      const bytes = partitionBytesAfter(
        s.bucketMs,
        rowBytes,
        eventsPerSecond,
        s.length,
        hotCellShare,
      );
      expect(bytes, `length ${s.length}`).toBeLessThanOrEqual(partitionBytes);
      // and the bucket is not needlessly small: at least 40% of the fill time, or the 1-day cap
      const fillMs =
        secondsToFill(partitionBytes, rowBytes, eventsPerSecond, s.length, hotCellShare) * 1000;
      expect(s.bucketMs === DAY || s.bucketMs >= 0.4 * fillMs, `length ${s.length}`).toBe(true);
    }
  });

  it("gives bigger cells less time and has whole-minute buckets", () => {
    for (let i = 1; i < DEFAULT_LAYOUT.length; i++) {
      const longer = DEFAULT_LAYOUT[i - 1]!;
      const shorter = DEFAULT_LAYOUT[i]!;
      expect(shorter.length).toBe(longer.length - 1);
      expect(shorter.bucketMs).toBeLessThanOrEqual(longer.bucketMs);
      expect(shorter.horizonMs).toBeLessThanOrEqual(longer.horizonMs);
      expect(shorter.ttlSeconds).toBeLessThanOrEqual(longer.ttlSeconds);
    }
    expect(DEFAULT_LAYOUT[0]!.ttlSeconds).toBeGreaterThan(DEFAULT_LAYOUT.at(-1)!.ttlSeconds);
    for (const s of DEFAULT_LAYOUT) expect(s.bucketMs % MIN).toBe(0);
  });

  it("makes a search read at most two buckets per length", () => {
    for (const s of DEFAULT_LAYOUT) {
      for (const t of [0, 1, s.bucketMs - 1, 1_714_564_800_123]) {
        expect(bucketsInRange(t - s.horizonMs, t, s.bucketMs).length).toBeLessThanOrEqual(2);
      }
    }
  });
});

describe("buildLayout", () => {
  it("sizes the given lengths, longest first, as the full default layout does", () => {
    const layout = buildLayout(DEFAULT_LAYOUT_BASIS, [3, 7, 5]);
    expect(layout.map((s) => s.length)).toEqual([7, 5, 3]);
    expect(layout[0]).toEqual(DEFAULT_LAYOUT.find((s) => s.length === 7));
  });

  it.each([
    [[0], /length/],
    [[13], /length/],
    [[4, 6, 4], /must not repeat/],
    [[], /at least one/],
  ])("rejects %j", (lengths, message) => {
    expect(() => buildLayout(DEFAULT_LAYOUT_BASIS, lengths)).toThrow(message);
  });

  it("refuses a basis that fills a partition in under a minute", () => {
    expect(() =>
      buildLayout({ ...DEFAULT_LAYOUT_BASIS, eventsPerSecond: 1e9, hotCellShare: 1 }, [1]),
    ).toThrow(/under the 1-minute minimum bucket/);
  });
});

describe("searchLengths", () => {
  it("stores 8 down to the finest length that covers the distance bound in few cells", () => {
    expect(searchLengths(25_000, 16)).toEqual([8, 7, 6, 5, 4]);
    expect(searchLengths(2_000, 16)).toEqual([8, 7, 6, 5]);
    expect(searchLengths(300_000, 16)).toEqual([8, 7, 6, 5, 4, 3]);
  });

  it("goes down to length 1 when even that needs more cells", () => {
    expect(searchLengths(10_000_000, 4)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });
});

describe("validateLayout", () => {
  const a: LevelSpec = { length: 6, bucketMs: HOUR, horizonMs: HOUR, ttlSeconds: 3 * 3600 };
  const b: LevelSpec = { length: 5, bucketMs: HOUR, horizonMs: HOUR, ttlSeconds: 3 * 3600 };

  it("accepts a small consistent layout", () => {
    expect(validateLayout([a, b])).toEqual([]);
  });

  it.each<[string, LevelSpec[], RegExp]>([
    ["empty", [], /no levels/],
    ["ttl too short", [{ ...a, ttlSeconds: 7199 }], /TTL 7199 s must cover horizon \+ bucket/],
    ["growing bucket", [a, { ...b, bucketMs: 2 * HOUR }], /length 5 after 6: bucket/],
    ["growing horizon", [a, { ...b, horizonMs: 2 * HOUR }], /length 5 after 6: horizon/],
    ["growing TTL", [a, { ...b, ttlSeconds: 4 * 3600 }], /length 5 after 6: TTL/],
    ["wrong order", [b, a], /longest first/],
    ["duplicate", [a, a], /longest first/],
    ["non-integer", [{ ...a, bucketMs: 0.5 }], /bucketMs must be a positive integer/],
    ["zero horizon", [{ ...a, horizonMs: 0 }], /horizonMs must be a positive integer/],
    ["bad length", [{ ...a, length: 13 }], /length must be an integer in 1..12/],
  ])("reports %s", (_name, layout, problem) => {
    const problems = validateLayout(layout);
    expect(
      problems.some((p) => problem.test(p)),
      problems.join("; "),
    ).toBe(true);
  });
});

describe("buckets", () => {
  it("floors toward minus infinity, also before 1970", () => {
    expect(bucketStart(0, 1000)).toBe(0);
    expect(bucketStart(999, 1000)).toBe(0);
    expect(bucketStart(1000, 1000)).toBe(1000);
    expect(bucketStart(-1, 1000)).toBe(-1000);
    expect(bucketStart(-1000, 1000)).toBe(-1000);
    expect(bucketStart(-1001, 1000)).toBe(-2000);
  });

  it("rejects a non-positive bucket", () => {
    expect(() => bucketStart(5, 0)).toThrow(RangeError);
  });

  const spec: LevelSpec = { length: 5, bucketMs: 1000, horizonMs: 2500, ttlSeconds: 10 };

  it("lists buckets touching the window, newest first", () => {
    expect(bucketsInRange(10_500 - spec.horizonMs, 10_500, spec.bucketMs)).toEqual([
      10_000, 9_000, 8_000,
    ]);
  });

  it("includes the bucket holding exactly timeMs - horizon", () => {
    expect(bucketsInRange(10_000 - spec.horizonMs, 10_000, spec.bucketMs)).toEqual([
      10_000, 9_000, 8_000, 7_000,
    ]);
    expect(bucketsInRange(10_999 - spec.horizonMs, 10_999, spec.bucketMs)).toEqual([
      10_000, 9_000, 8_000,
    ]);
  });

  it("works across zero", () => {
    expect(bucketsInRange(500 - spec.horizonMs, 500, spec.bucketMs)).toEqual([0, -1000, -2000]);
  });

  it("returns one bucket when the window fits in it", () => {
    expect(bucketsInRange(3_999 - 999, 3_999, spec.bucketMs)).toEqual([3_000]);
  });
});

describe("tableName and compactionWindow", () => {
  it("names tables per length and refuses unsafe lengths", () => {
    expect(tableName(8)).toBe("events_l8");
    expect(tableName(1)).toBe("events_l1");
    expect(() => tableName(0)).toThrow(RangeError);
    expect(() => tableName(Number.NaN)).toThrow(RangeError);
  });

  it.each([
    [5 * MIN, "MINUTES", 5],
    [90 * MIN, "MINUTES", 90],
    [2 * HOUR, "HOURS", 2],
    [36 * HOUR, "HOURS", 36],
    [DAY, "DAYS", 1],
    [7 * DAY, "DAYS", 7],
    [90_000, "MINUTES", 1],
    [30_000, "MINUTES", 1],
  ])("matches bucket %d ms with %s %d", (bucketMs, unit, size) => {
    expect(compactionWindow(bucketMs)).toEqual({ unit, size });
  });

  it("covers every default bucket exactly", () => {
    const unitMs = { MINUTES: MIN, HOURS: HOUR, DAYS: DAY };
    for (const s of DEFAULT_LAYOUT) {
      const w = compactionWindow(s.bucketMs);
      expect(w.size * unitMs[w.unit]).toBe(s.bucketMs);
    }
  });
});
