import { describe, expect, it } from "vitest";
import { baseline, noiseSigma } from "../../../src/synthetic/field.js";
import { createGenerator, type LabelledEvent } from "../../../src/synthetic/generator.js";

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

function take(n: number, seed = 1, extra: { anomalyFraction?: number } = {}): LabelledEvent[] {
  let t = T0;
  const gen = createGenerator({
    distribution: "clumped",
    seed,
    anomalyFraction: extra.anomalyFraction ?? 0.05,
    magnitudes: [6, 10],
    clock: () => (t += 10),
  });
  return Array.from({ length: n }, () => gen.next());
}

describe("createGenerator", () => {
  it("gives the same events for the same seed and clock", () => {
    expect(take(500, 3)).toEqual(take(500, 3));
    expect(take(50, 3)).not.toEqual(take(50, 4));
  });

  it("gives unique ids that sort in generation order", () => {
    const ids = take(2000).map((e) => e.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toBe("s1-000000000000");
  });

  it("stamps time from the clock as ISO-8601", () => {
    const [first] = take(1);
    expect(first?.event.time).toBe(new Date(T0 + 10).toISOString());
  });

  it("injects the requested anomaly fraction and magnitudes", () => {
    const n = 20_000;
    const events = take(n, 9, { anomalyFraction: 0.05 });
    const anomalies = events.filter((e) => e.label.anomaly);
    // binomial sd = sqrt(n p (1-p)) ~ 31; allow about 4 sd
    expect(Math.abs(anomalies.length - 0.05 * n)).toBeLessThan(125);
    const six = anomalies.filter((e) => e.label.magnitude === 6).length;
    expect(six + anomalies.filter((e) => e.label.magnitude === 10).length).toBe(anomalies.length);
    expect(Math.abs(six / anomalies.length - 0.5)).toBeLessThan(0.06);
    const above = anomalies.filter((e) => e.event.value > e.label.expected).length;
    expect(Math.abs(above / anomalies.length - 0.5)).toBeLessThan(0.06);
  });

  it("places labelled anomalies exactly magnitude x sigma from the baseline", () => {
    for (const { event, label } of take(5000).filter((e) => e.label.anomaly)) {
      expect(label.expected).toBe(baseline(event.lat, event.lon));
      expect(label.sigma).toBe(noiseSigma(event.lat, event.lon));
      expect(Math.abs(event.value - label.expected)).toBeCloseTo(label.magnitude * label.sigma, 9);
    }
  });

  it("gives normal events Gaussian noise of the local sigma around the baseline", () => {
    const normal = take(20_000, 5, { anomalyFraction: 0 });
    expect(normal.every((e) => !e.label.anomaly && e.label.magnitude === 0)).toBe(true);
    const z = normal.map((e) => (e.event.value - e.label.expected) / e.label.sigma);
    const mean = z.reduce((s, x) => s + x, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, x) => s + (x - mean) ** 2, 0) / z.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
    expect(z.filter((x) => Math.abs(x) > 6)).toEqual([]);
  });

  it("varies sigma smoothly between 0.5 and 2 when asked", () => {
    const gen = createGenerator({
      distribution: "uniform",
      seed: 2,
      anomalyFraction: 0,
      magnitudes: [],
      sigma: "varying",
    });
    const sigmas = Array.from({ length: 5000 }, () => gen.next().label.sigma);
    expect(Math.min(...sigmas)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...sigmas)).toBeLessThanOrEqual(2);
    expect(Math.max(...sigmas) - Math.min(...sigmas)).toBeGreaterThan(1);
    // smooth: 1 km apart changes sigma by well under 1%
    expect(
      Math.abs(noiseSigma(40, 10, "varying") / noiseSigma(40.009, 10, "varying") - 1),
    ).toBeLessThan(0.01);
  });

  it("keeps the baseline nearly flat over a few kilometres", () => {
    for (const [lat, lon] of [
      [0, 0],
      [45, -120],
      [-33, 151],
      [60, 179.99],
    ] as const) {
      const b = baseline(lat, lon);
      expect(Math.abs(baseline(lat + 0.045, lon) - b)).toBeLessThan(0.1); // 5 km north
      expect(Math.abs(baseline(lat, lon + 0.045) - b)).toBeLessThan(0.1);
    }
    expect(baseline(10, 180)).toBeCloseTo(baseline(10, -180), 12); // continuous at the antimeridian
  });

  it("draws anomaly sizes from a range, a local sigma apart from the baseline", () => {
    const gen = createGenerator({
      distribution: "mixed",
      seed: 11,
      anomalyFraction: 0.2,
      magnitudes: [],
      magnitudeRange: [3, 10],
      sigma: "varying",
    });
    const anomalies = Array.from({ length: 20_000 }, () => gen.next()).filter(
      (e) => e.label.anomaly,
    );
    const sizes = anomalies.map((e) => e.label.magnitude);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...sizes)).toBeLessThan(10);
    // Uniform: about a seventh per unit of size, and not a few exact values.
    expect(new Set(sizes).size).toBe(sizes.length);
    const lowQuarter = sizes.filter((m) => m < 3 + 7 / 4).length / sizes.length;
    expect(Math.abs(lowQuarter - 0.25)).toBeLessThan(0.03);
    for (const { event, label } of anomalies) {
      expect(label.sigma).toBe(noiseSigma(event.lat, event.lon, "varying"));
      expect(Math.abs(event.value - label.expected)).toBeCloseTo(label.magnitude * label.sigma, 9);
    }
  });

  it("keeps the places of a seed whatever the anomaly sizes", () => {
    const opts = { distribution: "clumped", seed: 4, anomalyFraction: 0.1 } as const;
    const listed = createGenerator({ ...opts, magnitudes: [5] });
    const ranged = createGenerator({ ...opts, magnitudes: [], magnitudeRange: [3, 10] });
    for (let i = 0; i < 500; i++) {
      const a = listed.next();
      const b = ranged.next();
      expect([b.event.lat, b.event.lon, b.label.anomaly]).toEqual([
        a.event.lat,
        a.event.lon,
        a.label.anomaly,
      ]);
    }
  });

  it("rejects impossible options", () => {
    const base = { distribution: "uniform", seed: 1, magnitudes: [6] } as const;
    expect(() => createGenerator({ ...base, anomalyFraction: 1.5 })).toThrow(/anomalyFraction/);
    expect(() => createGenerator({ ...base, anomalyFraction: 0.1, magnitudes: [] })).toThrow(
      /magnitudes/,
    );
    expect(() => createGenerator({ ...base, anomalyFraction: 0.1, magnitudes: [0] })).toThrow(
      /magnitudes/,
    );
    for (const magnitudeRange of [
      [0, 5],
      [6, 5],
      [3, Infinity],
    ] as const) {
      expect(() => createGenerator({ ...base, anomalyFraction: 0.1, magnitudeRange })).toThrow(
        /magnitudeRange/,
      );
    }
  });
});
