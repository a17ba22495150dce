import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boxLowerBoundMeters, EventGrid, type GridEvent } from "../../../bench/lib/event-grid.js";
import { haversineMeters } from "../../../src/domain/geo/geo.js";
import { nearestK } from "../../../src/domain/detect/neighbours.js";
import { createRng } from "../../../src/synthetic/index.js";

/** The naive reference: every event, tested one by one. */
function naive(
  events: readonly GridEvent[],
  lat: number,
  lon: number,
  radius: number,
  fromMs: number,
  toMs: number,
): string[] {
  return events
    .filter(
      (e) =>
        e.timeMs >= fromMs && e.timeMs <= toMs && haversineMeters(lat, lon, e.lat, e.lon) <= radius,
    )
    .map((e) => e.id)
    .sort();
}

const ids = (events: readonly GridEvent[]): string[] => events.map((e) => e.id).sort();

/** Events clustered around awkward places: antimeridian, poles, equator, and one city. */
function awkwardEvents(n: number, seed: number): GridEvent[] {
  const rng = createRng(seed);
  const centres: [number, number][] = [
    [0, 179.999],
    [0, -179.999],
    [89.99, 10],
    [-89.99, -120],
    [0.0001, 0.0001],
    [48.85, 2.35],
  ];
  return Array.from({ length: n }, (_, i) => {
    const [lat, lon] = rng.pick(centres);
    const spread = rng.pick([0.001, 0.05, 2]);
    const la = Math.max(-90, Math.min(90, lat + rng.normal(0, spread)));
    let lo = lon + rng.normal(0, spread);
    if (lo > 180) lo -= 360;
    if (lo < -180) lo += 360;
    return { id: `e${i}`, lat: la, lon: lo, timeMs: rng.int(1000) };
  });
}

describe("EventGrid", () => {
  it("finds exactly what a scan of every event finds, at the antimeridian and the poles", () => {
    const events = awkwardEvents(3000, 7);
    const rng = createRng(11);
    for (const binMeters of [50, 2_000, 500_000]) {
      const grid = new EventGrid(events, binMeters);
      for (let q = 0; q < 150; q++) {
        const centre = rng.pick(events);
        const radius = rng.pick([0, 10, 300, 5_000, 80_000, 3_000_000]);
        const from = rng.int(1000);
        const to = from + rng.int(500);
        expect(ids(grid.within(centre.lat, centre.lon, radius, from, to))).toEqual(
          naive(events, centre.lat, centre.lon, radius, from, to),
        );
      }
    }
  });

  it("agrees with the scan for any point, radius and window", () => {
    const events = awkwardEvents(400, 3);
    const grid = new EventGrid(events, 1_000);
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0, max: 2.5e7, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        (lat, lon, radius, from) => {
          expect(ids(grid.within(lat, lon, radius, from, from + 400))).toEqual(
            naive(events, lat, lon, radius, from, from + 400),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("finds a point on the other side of the antimeridian and one across a pole", () => {
    const events: GridEvent[] = [
      { id: "east", lat: 10, lon: 179.9999, timeMs: 1 },
      { id: "edge", lat: 10, lon: 180, timeMs: 1 },
      { id: "over-pole", lat: 89.9999, lon: -170, timeMs: 1 },
    ];
    const grid = new EventGrid(events, 100);
    expect(ids(grid.within(10, -179.9999, 50))).toEqual(["east", "edge"]);
    expect(ids(grid.within(89.9999, 10, 50))).toEqual(["over-pole"]);
  });

  it("stops when the visitor says so, and answers nothing for an empty window", () => {
    const events = awkwardEvents(200, 5);
    const grid = new EventGrid(events, 1_000);
    let seen = 0;
    grid.forEachWithin(0, 180, 2.5e7, 0, 1000, () => ++seen >= 3);
    expect(seen).toBe(3);
    expect(grid.within(0, 0, 2.5e7, 10, 5)).toEqual([]);
    expect(new EventGrid([], 100).within(0, 0, 1e6)).toEqual([]);
    expect(() => new EventGrid(events, 0)).toThrow(RangeError);
  });
});

describe("EventGrid.nearestCandidates", () => {
  it("holds the k nearest eligible events: nearestK over it equals nearestK over everything", () => {
    const events = awkwardEvents(3000, 13).map((e) => ({ ...e, value: 0 }));
    const rng = createRng(17);
    for (const binMeters of [50, 2_000, 500_000]) {
      const grid = new EventGrid(events, binMeters);
      for (let q = 0; q < 120; q++) {
        const self = rng.pick(events);
        const k = rng.pick([1, 5, 50]);
        const radius = rng.pick([20, 5_000, 300_000, 2.5e7]);
        const from = rng.int(500);
        const to = from + rng.int(700);
        const eligible = (e: GridEvent): boolean => e.id !== self.id && e.timeMs <= self.timeMs;
        const all = events.filter(
          (e) =>
            e.timeMs >= from &&
            e.timeMs <= to &&
            haversineMeters(self.lat, self.lon, e.lat, e.lon) <= radius,
        );
        const candidates = grid.nearestCandidates(
          self.lat,
          self.lon,
          radius,
          from,
          to,
          k,
          eligible,
        );
        expect(nearestK(self, candidates, k).map((n) => n.id)).toEqual(
          nearestK(self, all, k).map((n) => n.id),
        );
      }
    }
  });

  it("reads far fewer events than the window holds in a dense place", () => {
    const dense: GridEvent[] = Array.from({ length: 20_000 }, (_, i) => ({
      id: `d${i}`,
      lat: 48.85 + ((i * 7919) % 1000) / 1e5,
      lon: 2.35 + ((i * 104729) % 1000) / 1e5,
      timeMs: i,
    }));
    const grid = new EventGrid(dense, 100);
    const got = grid.nearestCandidates(48.855, 2.355, 5_000, 0, 20_000, 10, () => true);
    expect(got.length).toBeGreaterThanOrEqual(10);
    expect(got.length).toBeLessThan(dense.length / 4);
  });
});

describe("boxLowerBoundMeters", () => {
  it("never exceeds the distance to any point of the box, across the antimeridian and poles", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: -90, max: 89, noNaN: true }),
        fc.double({ min: -180, max: 179, noNaN: true }),
        fc.double({ min: 0.0001, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lat, lon, south, west, size, u, v) => {
          const box = {
            south,
            north: Math.min(90, south + size),
            west,
            east: Math.min(180, west + size),
          };
          const pLat = box.south + u * (box.north - box.south);
          const pLon = box.west + v * (box.east - box.west);
          const bound = boxLowerBoundMeters(lat, lon, box);
          expect(bound).toBeLessThanOrEqual(haversineMeters(lat, lon, pLat, pLon) + 1e-6);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("is zero inside the box and close to the true distance beside it", () => {
    const box = { south: 10, north: 11, west: 179, east: 180 };
    expect(boxLowerBoundMeters(10.5, 179.5, box)).toBe(0);
    // Across the antimeridian, 0.5 degrees of longitude east of the box at latitude 10.5.
    const across = boxLowerBoundMeters(10.5, -179.5, box);
    expect(across).toBeGreaterThan(0.95 * haversineMeters(10.5, -179.5, 10.5, 180));
    expect(across).toBeLessThanOrEqual(haversineMeters(10.5, -179.5, 10.5, 180));
  });
});
