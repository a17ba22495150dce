import { describe, expect, it } from "vitest";
import { summarizeRepeats } from "../../../bench/lib/repeats.js";

describe("summarizeRepeats", () => {
  it("gives min, median, max and max/min of three repeats, and which repeat is the median", () => {
    const s = summarizeRepeats([520, 480, 600]);
    expect(s).toMatchObject({ min: 480, median: 520, max: 600, medianIndex: 0, missing: 0 });
    expect(s.maxOverMin).toBeCloseTo(1.25, 12);
    expect(s.values).toEqual([520, 480, 600]);
  });

  it("takes the lower middle of an even count, a figure a repeat really measured", () => {
    expect(summarizeRepeats([400, 300, 500, 600])).toMatchObject({ median: 400, medianIndex: 0 });
  });

  it("counts repeats without a figure apart and summarises the rest", () => {
    const s = summarizeRepeats([null, 500, 450]);
    expect(s).toMatchObject({ missing: 1, min: 450, median: 450, max: 500, medianIndex: 2 });
    expect(s.maxOverMin).toBeCloseTo(500 / 450, 12);
  });

  it("has no spread with fewer than two figures or a zero", () => {
    expect(summarizeRepeats([700]).maxOverMin).toBeNull();
    expect(summarizeRepeats([0, 10]).maxOverMin).toBeNull();
    expect(summarizeRepeats([])).toMatchObject({ min: null, median: null, max: null });
  });
});
