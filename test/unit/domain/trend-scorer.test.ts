import { describe, expect, it } from "vitest";
import { robustScore, trendScore, type ScoreInput } from "../../../src/domain/scoring.js";

/** Neighbours on a grid ±50 km around the event, on the plane 20 + 0.5x − 0.3y plus small noise. */
function gradientNeighbourhood(value: number): ScoreInput {
  const offsets: [number, number][] = [];
  const values: number[] = [];
  for (let i = 0; i < 49; i++) {
    const x = ((i % 7) - 3) * 16;
    const y = (Math.floor(i / 7) - 3) * 16;
    const noise = (((i * 37) % 11) - 5) / 5; // deterministic, within ±1
    offsets.push([x, y]);
    values.push(20 + 0.5 * x - 0.3 * y + noise);
  }
  return {
    value,
    neighbourValues: values,
    neighbourOffsetsKm: offsets,
    threshold: 4,
    minNeighbours: 10,
  };
}

describe("trend scorer", () => {
  it("sees a 6-sigma anomaly on a spatial gradient that the plain robust score misses", () => {
    const input = gradientNeighbourhood(20 + 6 * 0.65);
    const trend = trendScore(input);
    const robust = robustScore(input);
    expect(trend.kind === "scored" && trend.anomalous).toBe(true);
    expect(trend.kind === "scored" && trend.expected).toBeCloseTo(20, 0);
    expect(robust.kind === "scored" && robust.anomalous).toBe(false);
  });

  it("does not flag an ordinary value that only looks unusual against far neighbours", () => {
    const input = gradientNeighbourhood(20.3);
    const trend = trendScore(input);
    expect(trend.kind === "scored" && trend.anomalous).toBe(false);
    expect(trend.kind === "scored" && Math.abs(trend.score)).toBeLessThan(1.5);
  });

  it("is not tilted by an anomalous neighbour", () => {
    const input = gradientNeighbourhood(20);
    const values = [...input.neighbourValues];
    values[24] = 500; // the neighbour at the centre is wild
    const verdict = trendScore({ ...input, neighbourValues: values });
    expect(verdict.kind === "scored" && verdict.expected).toBeCloseTo(20, 0);
    expect(verdict.kind === "scored" && verdict.anomalous).toBe(false);
  });

  it("falls back to the robust score without positions or with collinear neighbours", () => {
    const input = gradientNeighbourhood(30);
    const { neighbourOffsetsKm: _, ...noPositions } = input;
    const robust = robustScore(noPositions);
    expect(trendScore(noPositions)).toEqual({ ...robust, scorer: "trend" });
    const collinear = input.neighbourValues.map((_, i) => [i, 2 * i] as [number, number]);
    expect(trendScore({ ...input, neighbourOffsetsKm: collinear })).toEqual({
      ...robustScore(input),
      scorer: "trend",
    });
  });

  it("says insufficient below the minimum neighbour count", () => {
    const input = gradientNeighbourhood(30);
    expect(trendScore({ ...input, minNeighbours: 60 }).kind).toBe("insufficient");
  });
});
