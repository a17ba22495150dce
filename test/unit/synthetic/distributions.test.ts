import { describe, expect, it } from "vitest";
import {
  CLUMP_SPREADS_KM,
  createDistribution,
  DISTRIBUTION_NAMES,
  isDistributionName,
  NARROW_HALF_SIDE_KM,
  offsetKm,
  wrapLon,
  type LatLon,
} from "../../../src/synthetic/distributions.js";
import { createRng } from "../../../src/synthetic/random.js";

function distanceKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

describe("distributions", () => {
  it.each(DISTRIBUTION_NAMES)("%s stays within valid latitudes and longitudes", (name) => {
    const dist = createDistribution(name, 11);
    const rng = createRng(5);
    const bad: LatLon[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const p = dist.sample(rng);
      const ok = Math.abs(p.lat) <= 90 && p.lon >= -180 && p.lon <= 180;
      if (!ok || !Number.isFinite(p.lat + p.lon)) bad.push(p);
    }
    expect(bad).toEqual([]);
  });

  it("derives the same centres from the same seed", () => {
    for (const name of DISTRIBUTION_NAMES) {
      expect(createDistribution(name, 3).centres).toEqual(createDistribution(name, 3).centres);
    }
    expect(createDistribution("clumped", 3).centres).not.toEqual(
      createDistribution("clumped", 4).centres,
    );
  });

  it("uniform covers the sphere by area: a quarter of points above 30 degrees north", () => {
    const dist = createDistribution("uniform", 1);
    const rng = createRng(2);
    const n = 40_000;
    let north30 = 0;
    for (let i = 0; i < n; i += 1) if (dist.sample(rng).lat > 30) north30 += 1;
    // Area above latitude 30 is (1 - sin 30) / 2 = 1/4 of the sphere.
    expect(north30 / n).toBeGreaterThan(0.24);
    expect(north30 / n).toBeLessThan(0.26);
  });

  it("clumped points concentrate near their centres, each with its own spread", () => {
    const dist = createDistribution("clumped", 21);
    const rng = createRng(8);
    const spreads = dist.centres.map((c) => c.spreadKm);
    expect(new Set(spreads)).toEqual(new Set(CLUMP_SPREADS_KM));
    const n = 20_000;
    const near = dist.centres.map(() => 0);
    let far = 0;
    for (let i = 0; i < n; i += 1) {
      const p = dist.sample(rng);
      // 2-D Gaussian: P(r > 4 sigma) = exp(-8), so virtually every point is within 4 spreads.
      const hit = dist.centres.findIndex((c) => distanceKm(p, c) < 4 * c.spreadKm);
      if (hit < 0) far += 1;
      else near[hit] = (near[hit] ?? 0) + 1;
    }
    expect(far / n).toBeLessThan(0.002);
    for (const count of near) expect(count / n).toBeGreaterThan(0.08); // about 1/8 each
    const tight = dist.centres.findIndex((c) => c.spreadKm === 0.5);
    const centre = dist.centres[tight];
    if (centre === undefined) throw new Error("no 0.5 km centre");
    const sample = Array.from({ length: 5000 }, () => dist.sample(rng)).filter(
      (p) => distanceKm(p, centre) < 2,
    );
    expect(sample.length).toBeGreaterThan(500);
  });

  it("narrow keeps every point inside one 20 km box", () => {
    const dist = createDistribution("narrow", 4);
    const [centre] = dist.centres;
    if (centre === undefined) throw new Error("narrow has no centre");
    const rng = createRng(1);
    for (let i = 0; i < 5000; i += 1) {
      const p = dist.sample(rng);
      expect(distanceKm(p, centre)).toBeLessThan(NARROW_HALF_SIDE_KM * Math.SQRT2 + 0.1);
    }
  });

  it("mixed has 20 centres and roughly 30% of points far from all of them", () => {
    const dist = createDistribution("mixed", 5);
    expect(dist.centres).toHaveLength(20);
    const rng = createRng(6);
    const n = 10_000;
    let far = 0;
    for (let i = 0; i < n; i += 1) {
      const p = dist.sample(rng);
      if (!dist.centres.some((c) => distanceKm(p, c) < 5 * c.spreadKm)) far += 1;
    }
    expect(far / n).toBeGreaterThan(0.25);
    expect(far / n).toBeLessThan(0.31);
  });

  it("wraps longitude across the antimeridian and clamps latitude at the poles", () => {
    expect(wrapLon(190)).toBeCloseTo(-170);
    expect(wrapLon(-190)).toBeCloseTo(170);
    expect(wrapLon(540)).toBeCloseTo(-180);
    const east = offsetKm({ lat: 0, lon: 179.99 }, 0, 10);
    expect(east.lon).toBeLessThan(-179.9);
    expect(offsetKm({ lat: 89.99, lon: 0 }, 100, 0).lat).toBe(90);
    // one degree of longitude at 60 degrees is half as long as at the equator
    expect(offsetKm({ lat: 60, lon: 0 }, 0, 55.6).lon).toBeCloseTo(1, 2);
  });

  it("recognises distribution names", () => {
    expect(isDistributionName("clumped")).toBe(true);
    expect(isDistributionName("gaussian")).toBe(false);
  });
});
