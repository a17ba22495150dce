import { describe, expect, it } from "vitest";
import { validateLayout } from "../../../src/domain/sizing/levels.js";
import {
  LAG_ALLOWANCE_MS,
  MAX_HORIZON_MS,
  niceDurationFloor,
  partitionBytesAfter,
  perCellRate,
  secondsToFill,
  sizeLayout,
} from "../../../src/domain/sizing/sizing.js";

const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;

describe("perCellRate", () => {
  it("is R / 32^L for uniform traffic", () => {
    expect(perCellRate(200_000, 1)).toBe(6250);
    expect(perCellRate(1024, 2)).toBe(1);
    expect(perCellRate(32_768, 3)).toBe(1);
  });

  it("gives the hottest cell share^L of the traffic, never below uniform, never above R", () => {
    expect(perCellRate(2000, 1, 0.4)).toBeCloseTo(800, 9);
    expect(perCellRate(2000, 2, 0.4)).toBeCloseTo(320, 9);
    expect(perCellRate(2000, 8, 0.4)).toBeCloseTo(2000 * 0.4 ** 8, 9);
    expect(perCellRate(2000, 3, 0.01)).toBe(perCellRate(2000, 3)); // below uniform: uniform
    expect(perCellRate(2000, 1, 1)).toBe(2000);
    expect(perCellRate(2000, 2, 3)).toBe(2000); // capped at the whole rate
  });

  it("rejects nonsense", () => {
    expect(() => perCellRate(-1, 1)).toThrow(RangeError);
    expect(() => perCellRate(10, 13)).toThrow(RangeError);
    expect(() => perCellRate(10, 1, 0)).toThrow(RangeError);
  });
});

describe("the article's example: 200,000 events/s, 24 bytes/row, 100 MB partitions", () => {
  const fill = (length: number): number => secondsToFill(100e6, 24, 200_000, length);

  it("geohash1 fills in about 10 minutes", () => {
    expect(fill(1)).toBeGreaterThanOrEqual(10 * MIN);
    expect(fill(1)).toBeLessThan(12 * MIN);
  });

  it("geohash2 fills in just over 5 hours", () => {
    expect(fill(2)).toBeGreaterThan(5 * HOUR);
    expect(fill(2)).toBeLessThan(6 * HOUR);
  });

  it("geohash3 fills in about 7 days", () => {
    expect(fill(3)).toBeGreaterThan(7 * DAY);
    expect(fill(3)).toBeLessThan(8 * DAY);
  });

  it("rounds down to the article's 10 minutes and 7 days", () => {
    expect(niceDurationFloor(fill(1) * 1000)).toBe(10 * MIN * 1000);
    expect(niceDurationFloor(fill(3) * 1000)).toBe(7 * DAY * 1000);
  });

  it("fills geohash5 in decades (the article's 20 years is for the average)", () => {
    expect(fill(5) / (365 * DAY)).toBeGreaterThan(20);
  });
});

describe("partitionBytesAfter", () => {
  it("is the inverse of secondsToFill", () => {
    const seconds = secondsToFill(50e6, 120, 2000, 4, 0.4);
    expect(partitionBytesAfter(seconds * 1000, 120, 2000, 4, 0.4)).toBeCloseTo(50e6, 3);
  });

  it("multiplies bucket, row size and per-cell rate", () => {
    expect(partitionBytesAfter(10_000, 100, 1024, 2)).toBe(1000); // 10 s x 100 B x 1 ev/s
  });

  it("is infinite time to fill without traffic", () => {
    expect(secondsToFill(1e6, 100, 0, 3)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("niceDurationFloor", () => {
  it.each([
    [59_999, undefined],
    [60_000, 60_000],
    [9.9 * MIN * 1000, 5 * MIN * 1000],
    [5.9 * HOUR * 1000, 4 * HOUR * 1000],
    [23.9 * HOUR * 1000, 12 * HOUR * 1000],
    [400 * DAY * 1000, 30 * DAY * 1000],
  ])("rounds %d ms down to %s", (ms, expected) => {
    expect(niceDurationFloor(ms)).toBe(expected);
  });
});

describe("sizeLayout", () => {
  const basis = { eventsPerSecond: 2000, rowBytes: 120, partitionBytes: 50e6, hotCellShare: 0.4 };

  it("keeps each bucket under the target, horizon = bucket, TTL covers both plus lag", () => {
    const layout = sizeLayout({ ...basis, lengths: [1, 4, 8] });
    expect(layout.map((s) => s.length)).toEqual([8, 4, 1]);
    for (const s of layout) {
      expect(partitionBytesAfter(s.bucketMs, 120, 2000, s.length, 0.4)).toBeLessThanOrEqual(50e6);
      expect(s.bucketMs).toBeLessThanOrEqual(MAX_HORIZON_MS);
      expect(s.horizonMs).toBe(s.bucketMs);
      expect(s.ttlSeconds * 1000).toBe(s.horizonMs + s.bucketMs + LAG_ALLOWANCE_MS);
    }
    expect(validateLayout(layout)).toEqual([]);
  });

  it("gives uniform traffic longer buckets than clumped traffic", () => {
    const clumped = sizeLayout({ ...basis, lengths: [3] })[0]!;
    const uniform = sizeLayout({ ...basis, hotCellShare: 1 / 32, lengths: [3] })[0]!;
    expect(uniform.bucketMs).toBeGreaterThan(clumped.bucketMs);
  });

  it("refuses a length that fills a partition in under a minute", () => {
    expect(() => sizeLayout({ ...basis, eventsPerSecond: 1e6, lengths: [8, 1] })).toThrow(
      /length 1 fills/,
    );
  });
});
