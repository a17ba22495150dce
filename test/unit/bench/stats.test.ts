import { describe, expect, it } from "vitest";
import * as stats from "../../../bench/lib/stats.js";

describe("quantile", () => {
  it("uses the nearest rank", () => {
    expect(stats.quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(stats.quantile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(stats.quantile([7], 0)).toBe(7);
    expect(stats.quantile([], 0.5)).toBeNull();
  });

  it("reads integer histogram counts", () => {
    const counts = new Map([
      [1, 60],
      [2, 30],
      [5, 10],
    ]);
    expect(stats.countsQuantile(counts, 0.5)).toBe(1);
    expect(stats.countsQuantile(counts, 0.9)).toBe(2);
    expect(stats.countsQuantile(counts, 0.99)).toBe(5);
    expect(stats.countsQuantile(new Map(), 0.5)).toBeNull();
  });
});

describe("detectionFigures", () => {
  /** Ground truth from [id, drawn magnitude in sigma] pairs (0: a normal event). */
  const truthsOf = (pairs: [string, number][]) =>
    pairs.map(([id, magnitude]) => ({ id, magnitude }));
  const truths = truthsOf([
    ["n1", 0],
    ["n2", 0],
    ["a3", 3],
    ["b3", 3],
    ["a5", 5],
    ["b5", 5],
    ["a8", 8],
  ]);

  it("scores precision overall and recall/F1 per magnitude and for >= 5 sigma", () => {
    const d = stats.detectionFigures(truths, new Set(["n1", "a3", "a5", "b5", "a8", "warmup-1"]));
    expect(d.truePositives).toBe(4);
    expect(d.falsePositives).toBe(1);
    expect(d.alerts).toBe(5);
    expect(d.precision).toBeCloseTo(0.8);
    expect(d.recall).toBe(1);
    expect(d.f1).toBeCloseTo((2 * 0.8) / 1.8);
    expect(d.byMagnitude["3"]?.recall).toBe(0.5);
    expect(d.byMagnitude["3"]?.f1).toBeCloseTo((2 * 0.8 * 0.5) / 1.3);
    expect(d.byMagnitude["8"]?.anomalies).toBe(1);
  });

  it("bins drawn sizes by whole sigma and counts >= 5 sigma from the sizes themselves", () => {
    const drawn = truthsOf([
      ["x", 4.99],
      ["y", 5.01],
      ["z", 5.9],
      ["w", 9.5],
    ]);
    const d = stats.detectionFigures(drawn, new Set(["x", "y", "w"]));
    expect(Object.keys(d.byMagnitude)).toEqual(["4", "5", "9"]);
    expect(d.byMagnitude["5"]).toMatchObject({ anomalies: 2, detected: 1, recall: 0.5 });
    expect(d.recall).toBeCloseTo(2 / 3, 12); // y and w of y, z, w; x is under 5
  });

  it("gives null precision without alerts and 0 F1 when nothing is right", () => {
    expect(stats.detectionFigures(truths, new Set()).precision).toBeNull();
    expect(stats.f1Score(0, 0)).toBe(0);
    expect(stats.f1Score(null, 1)).toBeNull();
  });
});

describe("recallAtK", () => {
  it("divides the overlap by min(k, |reference|)", () => {
    expect(stats.recallAtK(["a", "b", "x"], ["a", "b", "c", "d"], 4)).toBe(0.5);
    expect(stats.recallAtK(["a", "b"], ["a", "b"], 50)).toBe(1);
    expect(stats.recallAtK(["a", "a"], ["a", "b"], 50)).toBe(0.5);
    expect(stats.recallAtK(["c"], ["a", "b", "c"], 2)).toBe(0);
    expect(stats.recallAtK([], [], 50)).toBeNull();
  });
});
