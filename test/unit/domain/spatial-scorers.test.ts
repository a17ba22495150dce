import { describe, expect, it } from "vitest";
import { robustScore, type ScoreInput, type Verdict } from "../../../src/domain/detect/scoring.js";
import { localScore, trendScore } from "../../../src/domain/detect/spatial-scorers.js";

/** Deterministic noise within ±1 (so tests do not depend on a random seed). */
const noise = (i: number): number => (((i * 37) % 11) - 5) / 5;

/** 49 neighbours on a 7x7 grid of `stepKm` centred at (cx, cy) km from the event, on a plane. */
function grid(
  value: number,
  opts: { cx?: number; cy?: number; stepKm?: number; slope?: [number, number] } = {},
): ScoreInput {
  const { cx = 0, cy = 0, stepKm = 16, slope = [0, 0] } = opts;
  const offsets: [number, number][] = [];
  const values: number[] = [];
  for (let i = 0; i < 49; i++) {
    const x = cx + ((i % 7) - 3) * stepKm;
    const y = cy + (Math.floor(i / 7) - 3) * stepKm;
    offsets.push([x, y]);
    values.push(20 + slope[0] * x + slope[1] * y + noise(i));
  }
  return { value, neighbourValues: values, neighbourOffsetsKm: offsets, threshold: 4 };
}

function scored(v: Verdict): Extract<Verdict, { kind: "scored" }> {
  if (v.kind !== "scored") throw new Error(`expected a score, got ${JSON.stringify(v)}`);
  return v;
}

/** The noise above has a robust sigma (1.4826 MAD) of about 0.8. */
const SIGMA = 0.8;

describe("trend scorer", () => {
  it("sees a 6-sigma anomaly on a spatial gradient that the plain robust score misses", () => {
    const input = grid(20 + 6 * SIGMA, { slope: [0.5, -0.3] });
    const trend = scored(trendScore(input));
    expect(trend.anomalous).toBe(true);
    expect(trend.expected).toBeCloseTo(20, 0);
    expect(scored(robustScore(input)).anomalous).toBe(false);
  });

  it("does not flag an ordinary value beside a neighbourhood on a gradient", () => {
    // Neighbours 17..23 km east on a 0.3/km gradient: their median is ~6 above the event's
    // place, which the robust score calls an anomaly; the plane brings the expectation back.
    const input = grid(20.3, { cx: 20, stepKm: 1, slope: [0.3, 0] });
    expect(scored(robustScore(input)).anomalous).toBe(true);
    const trend = scored(trendScore(input));
    expect(trend.anomalous).toBe(false);
    // An extrapolation, right within the uncertainty it states.
    expect(Math.abs(trend.expected - 20)).toBeLessThan(2 * trend.spread);
  });

  it("does not give a confident alert against a compact neighbourhood far off to one side", () => {
    // All 49 neighbours within ±3 km of a point 40 km east: the plane at the event is an
    // extrapolation, so its uncertainty, not the neighbours' noise, sets the spread.
    const far = grid(20 + 6 * SIGMA, { cx: 40, stepKm: 1 });
    const trend = scored(trendScore(far));
    const robust = scored(robustScore(far));
    expect(robust.anomalous).toBe(true);
    expect(trend.anomalous).toBe(false);
    expect(trend.spread).toBeGreaterThan(2 * robust.spread);
  });

  it("keeps its confidence for the same value with neighbours all around", () => {
    const around = scored(trendScore(grid(20 + 6 * SIGMA, { stepKm: 1 })));
    const robust = scored(robustScore(grid(20 + 6 * SIGMA, { stepKm: 1 })));
    expect(around.anomalous).toBe(true);
    expect(around.spread).toBeLessThan(1.1 * robust.spread);
  });

  it("widens its spread the farther a one-sided neighbourhood lies from the event", () => {
    const spreads = [0, 5, 10, 20].map(
      (cx) => scored(trendScore(grid(20 + 6 * SIGMA, { cx, stepKm: 1 }))).spread,
    );
    for (let i = 1; i < spreads.length; i++) {
      expect(spreads[i]).toBeGreaterThan(spreads[i - 1] ?? 0);
    }
    expect(spreads[3]).toBeGreaterThan(1.5 * (spreads[0] ?? 0));
  });

  it("is not tilted by an anomalous neighbour", () => {
    const input = grid(20, { slope: [0.5, -0.3] });
    const values = [...input.neighbourValues];
    values[24] = 500; // the neighbour at the centre is wild
    const verdict = scored(trendScore({ ...input, neighbourValues: values }));
    expect(verdict.expected).toBeCloseTo(20, 0);
    expect(verdict.anomalous).toBe(false);
  });

  it("falls back to the robust score without positions or with collinear neighbours", () => {
    const input = grid(30);
    const { neighbourOffsetsKm: _, ...noPositions } = input;
    const robust = robustScore(noPositions);
    expect(trendScore(noPositions)).toEqual({ ...robust, scorer: "trend" });
    const collinear = input.neighbourValues.map((_, i) => [i, 2 * i] as [number, number]);
    expect(trendScore({ ...input, neighbourOffsetsKm: collinear })).toEqual({
      ...robustScore(input),
      scorer: "trend",
    });
  });
});

describe("local scorer (the default)", () => {
  it("is the robust score when the neighbours surround the event", () => {
    const input = grid(20 + 6 * SIGMA, { stepKm: 1 });
    const local = scored(localScore(input));
    const robust = scored(robustScore(input));
    expect(local.anomalous).toBe(true);
    expect(local.expected).toBe(robust.expected);
    expect(local.spread).toBeLessThan(1.05 * robust.spread);
  });

  it("does not give a confident alert against a compact neighbourhood far off to one side", () => {
    const far = grid(20 + 6 * SIGMA, { cx: 40, stepKm: 1 });
    expect(scored(robustScore(far)).anomalous).toBe(true);
    expect(scored(localScore(far)).anomalous).toBe(false);
  });

  it("does not flag an ordinary value beside a neighbourhood on a gradient", () => {
    const input = grid(20.3, { cx: 20, stepKm: 1, slope: [0.3, 0] });
    expect(scored(robustScore(input)).anomalous).toBe(true);
    expect(scored(localScore(input)).anomalous).toBe(false);
  });

  it("still alerts a large anomaly on a gradient when the neighbours surround the event", () => {
    const input = grid(20 + 12 * SIGMA, { stepKm: 2, slope: [0.3, -0.2] });
    expect(scored(localScore(input)).anomalous).toBe(true);
  });

  it("widens its spread the farther a one-sided neighbourhood lies", () => {
    const spreads = [0, 5, 10, 20].map(
      (cx) => scored(localScore(grid(20, { cx, stepKm: 1, slope: [0.1, 0] }))).spread,
    );
    for (let i = 1; i < spreads.length; i++)
      expect(spreads[i]).toBeGreaterThan(spreads[i - 1] ?? 0);
  });
});
