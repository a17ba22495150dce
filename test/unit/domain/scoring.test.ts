import { describe, expect, it } from "vitest";
import { SCORERS } from "../../../src/domain/detect/scorers.js";
import {
  isAnomalous,
  SCORER_NAMES,
  SPREAD_FLOOR_RELATIVE,
  type ScoreInput,
  type Verdict,
} from "../../../src/domain/detect/scoring.js";

/** 50 neighbours cycling 102, 101, 100, 99, 98: median and mean 100, MAD 1, population std sqrt(2). */
const NEIGHBOURS = Array.from({ length: 50 }, (_, i) => 100 + 2 - (i % 5));

function input(value: number, neighbourValues: readonly number[] = NEIGHBOURS): ScoreInput {
  return { value, neighbourValues, threshold: 3 };
}

function scored(v: Verdict): Extract<Verdict, { kind: "scored" }> {
  if (v.kind !== "scored") throw new Error(`expected a score, got ${JSON.stringify(v)}`);
  return v;
}

describe("isAnomalous", () => {
  it("is |score| > threshold, strictly", () => {
    expect(isAnomalous(3.01, 3)).toBe(true);
    expect(isAnomalous(-3.01, 3)).toBe(true);
    expect(isAnomalous(3, 3)).toBe(false);
    expect(isAnomalous(-2.9, 3)).toBe(false);
  });
});

describe.each(SCORER_NAMES)("%s scorer", (name) => {
  const score = SCORERS[name];

  it("flags a +6 sigma outlier with a positive score", () => {
    const v = scored(score(input(109)));
    expect(v).toMatchObject({ scorer: name, anomalous: true, threshold: 3, neighbourCount: 50 });
    expect(v.score).toBeGreaterThan(3);
  });

  it("flags a -6 sigma outlier with a negative score", () => {
    const v = scored(score(input(91)));
    expect(v.anomalous).toBe(true);
    expect(v.score).toBeLessThan(-3);
  });

  it("does not flag a typical value", () => {
    const v = scored(score(input(100.5)));
    expect(v.anomalous).toBe(false);
    expect(Math.abs(v.score)).toBeLessThan(3);
    expect(v.expected).toBeCloseTo(100, 0);
  });

  it("is insufficient (no_history) without neighbours, and scores one or more", () => {
    expect(score({ value: 1, neighbourValues: [], threshold: 3 })).toEqual({
      kind: "insufficient",
      reason: "no_history",
      scorer: name,
      neighbourCount: 0,
      threshold: 3,
    });
    expect(score(input(100, NEIGHBOURS.slice(0, 10))).kind).toBe("scored");
  });

  it("stays finite when every neighbour is identical", () => {
    const same = Array.from({ length: 20 }, () => 5);
    const equal = scored(score(input(5, same)));
    expect(equal.score).toBe(0);
    expect(equal.anomalous).toBe(false);
    const off = scored(score(input(6, same)));
    expect(Number.isFinite(off.score)).toBe(true);
    expect(off.anomalous).toBe(true);
    expect(JSON.parse(JSON.stringify(off))).toEqual(off);
  });

  it("stays finite for extreme magnitudes", () => {
    const huge = [1e308, 1.5e308, -1e308, 1.2e308, 1.7e308];
    const v = scored(score(input(-1.7e308, [...huge, ...huge])));
    for (const x of [v.score, v.expected, v.spread]) expect(Number.isFinite(x)).toBe(true);
  });
});

describe("robust scorer", () => {
  it("scores against median and 1.4826 * MAD", () => {
    const v = scored(SCORERS.robust(input(103)));
    expect(v.expected).toBe(100);
    expect(v.spread).toBeCloseTo(1.4826, 6);
    expect(v.score).toBeCloseTo(3 / 1.4826, 6);
  });

  it("is not fooled by a few wild neighbours", () => {
    const wild = [...NEIGHBOURS.slice(0, 45), 1e6, 1e6, -1e6, 1e6, 1e6];
    expect(scored(SCORERS.robust(input(110, wild))).anomalous).toBe(true);
    expect(scored(SCORERS.zscore(input(110, wild))).anomalous).toBe(false);
  });

  it("falls back to 1.2533 * mean absolute deviation when MAD is 0", () => {
    const v = scored(SCORERS.robust(input(6, [5, 5, 5, 5, 5, 5, 9, 1, 5, 5])));
    expect(v.spread).toBeCloseTo(1.2533 * 0.8, 6);
  });

  it("scores far beyond the threshold when neighbours are constant", () => {
    const v = scored(
      SCORERS.robust(
        input(
          6,
          Array.from({ length: 10 }, () => 5),
        ),
      ),
    );
    expect(v.score).toBeCloseTo(1 / (SPREAD_FLOOR_RELATIVE * 5), 0);
  });

  it("uses a floor relative to |median| when all deviations are 0", () => {
    const v = scored(
      SCORERS.robust(
        input(
          2000,
          Array.from({ length: 10 }, () => 1000),
        ),
      ),
    );
    expect(v.spread).toBeCloseTo(SPREAD_FLOOR_RELATIVE * 1000, 15);
  });
});

describe("zscore scorer", () => {
  it("uses the population standard deviation (divides by n)", () => {
    const v = scored(SCORERS.zscore(input(103)));
    expect(v.expected).toBeCloseTo(100, 10);
    expect(v.spread).toBeCloseTo(Math.SQRT2, 10);
    expect(v.score).toBeCloseTo(3 / Math.SQRT2, 10);
  });
});

describe("cusum scorer: fixed defects of the reference system", () => {
  /** 50 values alternating +1, -1 (oldest first): mean 0, population std 1, CUSUM ends reset. */
  const alternating = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? 1 : -1));

  it("variance is divided by n: a 4-sigma jump crosses threshold 3", () => {
    const v = scored(SCORERS.cusum(input(4, alternating)));
    const mean = 4 / 51;
    const sigma = Math.sqrt((50 + 16) / 51 - mean * mean); // ~1.135; undivided it would be ~8.1
    expect(v.spread).toBeCloseTo(sigma, 10);
    expect(v.score).toBeCloseTo((4 - mean - 0.05 * sigma) / sigma, 10); // ~3.41
    expect(v.anomalous).toBe(true);
  });

  it("the negative side accumulates downward deviations (S- has the correct sign)", () => {
    const shifted = [...alternating.slice(0, 30), ...Array.from({ length: 20 }, () => -1.5)];
    const v = scored(SCORERS.cusum(input(-1.5, shifted)));
    // no single value is unusual (1.5 sigma); only accumulating the downward run flags it
    expect(v.score).toBeLessThan(-10);
    expect(v.anomalous).toBe(true);
  });

  it("a downward shift is reported with a negative score", () => {
    const mirrored = alternating.map((x) => -x);
    const v = scored(SCORERS.cusum(input(-4, mirrored)));
    expect(v.score).toBeCloseTo(-scored(SCORERS.cusum(input(4, alternating))).score, 10);
    expect(v.anomalous).toBe(true);
  });

  it("depends on order: neighbours are a series, oldest first", () => {
    const rising = [
      ...Array.from({ length: 25 }, () => -1),
      ...Array.from({ length: 25 }, () => 1),
    ];
    const falling = [...rising].reverse();
    expect(scored(SCORERS.cusum(input(1, rising))).score).toBeGreaterThan(3);
    expect(scored(SCORERS.cusum(input(1, falling))).score).toBeLessThan(-3);
  });
});
