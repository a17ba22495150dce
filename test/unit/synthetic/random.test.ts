import { describe, expect, it } from "vitest";
import { createRng, deriveSeed } from "../../../src/synthetic/random.js";

describe("createRng", () => {
  it("replays the same sequence for the same seed and differs for another", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(seqA);
  });

  it("draws uniforms in [0, 1) with mean 1/2", () => {
    const rng = createRng(1);
    const us = Array.from({ length: 50_000 }, () => rng.next());
    expect(us.filter((u) => !(u >= 0 && u < 1))).toEqual([]);
    expect(us.reduce((s, u) => s + u, 0) / us.length).toBeCloseTo(0.5, 2);
  });

  it("draws normals with the requested mean and standard deviation", () => {
    const rng = createRng(7);
    const xs = Array.from({ length: 50_000 }, () => rng.normal(3, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
    expect(mean).toBeCloseTo(3, 1);
    expect(sd).toBeGreaterThan(1.96);
    expect(sd).toBeLessThan(2.04);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it("picks every element and ints stay in range", () => {
    const rng = createRng(9);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i += 1) {
      seen.add(rng.pick(["a", "b", "c"]));
      const n = rng.int(5);
      expect(Number.isInteger(n) && n >= 0 && n < 5).toBe(true);
    }
    expect([...seen].sort()).toEqual(["a", "b", "c"]);
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it("derives distinct, stable seeds per salt", () => {
    expect(deriveSeed(1, 0)).toBe(deriveSeed(1, 0));
    expect(new Set([0, 1, 2, 3].map((s) => deriveSeed(1, s))).size).toBe(4);
  });
});
