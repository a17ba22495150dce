import fc from "fast-check";
import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import {
  boxCellCount,
  cellsInBox,
  cellsInCircle,
  circleBox,
  distanceToBoxMeters,
  type Box,
} from "../../../src/domain/geo/cover.js";
import { haversineMeters } from "../../../src/domain/geo/geo.js";
import { columnOf, gridShape, hashAt, rowOf } from "../../../src/domain/geo/grid.js";

const lat = fc.double({ min: -90, max: 90, noNaN: true });
const lon = fc.double({ min: -180, max: 180, noNaN: true });
const length = fc.integer({ min: 1, max: 9 });

/** Points spread over a cell (corners, edges, centre), to measure distances to it from outside. */
function samplePoints(b: Box, n = 12): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= n; j++) {
      out.push([b.south + ((b.north - b.south) * i) / n, b.west + ((b.east - b.west) * j) / n]);
    }
  }
  return out;
}

describe("the geohash grid", () => {
  it("builds the same hash as ngeohash from a point's row and column", () => {
    fc.assert(
      fc.property(lat, lon, length, (la, lo, l) => {
        const shape = gridShape(l);
        expect(hashAt(columnOf(lo, shape), rowOf(la, shape), shape)).toBe(
          ngeohash.encode(la, lo, l),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("has 32^L cells, longitude taking the extra bit at odd lengths", () => {
    expect(gridShape(1)).toMatchObject({ columns: 8, rows: 4, widthDeg: 45, heightDeg: 45 });
    expect(gridShape(2)).toMatchObject({ columns: 32, rows: 32 });
    const s = gridShape(5);
    expect(s.columns * s.rows).toBe(32 ** 5);
  });
});

describe("cellsInBox", () => {
  it("holds the cell of every point in the box and nothing twice", () => {
    fc.assert(
      fc.property(lat, lat, lon, lon, fc.integer({ min: 1, max: 4 }), (a, b, w, e, l) => {
        const box = { south: Math.min(a, b), north: Math.max(a, b), west: w, east: e };
        fc.pre(boxCellCount(box, l) <= 4000);
        const cells = cellsInBox(box, l).map((c) => c.hash);
        expect(new Set(cells).size).toBe(cells.length);
        expect(cells.length).toBe(boxCellCount(box, l));
        const set = new Set(cells);
        for (let i = 0; i <= 10; i++) {
          const pLat = Math.min(box.north, box.south + ((box.north - box.south) * i) / 10);
          const span = w <= e ? e - w : 360 - (w - e);
          const raw = w + (span * i) / 10;
          const wrapped = raw > 180 ? raw - 360 : raw;
          // Float rounding must not step outside the box: clamp to the nearer inside edge.
          const inside = w <= e ? wrapped >= w && wrapped <= e : wrapped >= w || wrapped <= e;
          const pLon = inside ? wrapped : i < 5 ? w : e;
          expect(set.has(ngeohash.encode(pLat, pLon, l))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("crosses the antimeridian when west > east", () => {
    const cells = cellsInBox({ south: -1, west: 179, north: 1, east: -179 }, 2);
    const wests = new Set(cells.map((c) => c.west));
    expect(wests).toEqual(new Set([180 - 11.25, -180]));
    expect(cells).toHaveLength(2 * 2);
  });

  it("reaches the poles", () => {
    const north = cellsInBox({ south: 89, west: -180, north: 90, east: 180 }, 1);
    expect(north).toHaveLength(8);
    expect(north.every((c) => c.north === 90)).toBe(true);
  });
});

describe("distanceToBoxMeters", () => {
  it("is the distance to the nearest point of the cell: a lower bound, and tight", () => {
    fc.assert(
      fc.property(lat, lon, lat, lon, fc.integer({ min: 2, max: 6 }), (la, lo, cLa, cLo, l) => {
        const [s, w, n, e] = ngeohash.decode_bbox(ngeohash.encode(cLa, cLo, l));
        const box = { south: s, west: w, north: n, east: e };
        const d = distanceToBoxMeters(la, lo, box);
        const sampled = samplePoints(box).map(([pLa, pLo]) => haversineMeters(la, lo, pLa, pLo));
        const nearestSample = Math.min(...sampled);
        // Never more than the distance to any point of the cell (within float noise).
        expect(d).toBeLessThanOrEqual(nearestSample + 1e-6 * Math.max(1, nearestSample));
        // And not much less than the sampled nearest point: the samples are a 12x12 grid.
        const cellDiag = haversineMeters(s, w, n, e);
        expect(d).toBeGreaterThanOrEqual(nearestSample - cellDiag / 6 - 1e-6);
      }),
      { numRuns: 2000 },
    );
  });

  it("is 0 inside, including on the antimeridian edge", () => {
    expect(distanceToBoxMeters(10, 5, { south: 0, west: 0, north: 20, east: 10 })).toBe(0);
    expect(
      distanceToBoxMeters(10, -180, { south: 0, west: 170, north: 20, east: 180 }),
    ).toBeLessThan(1e-6);
  });

  it("goes over the pole when that is shorter", () => {
    // A point at 89°N, lon 0 and a cell at 89..90°N on the far side of the pole: 0 m apart at the pole.
    const d = distanceToBoxMeters(89, 0, { south: 89.5, west: 170, north: 90, east: 180 });
    expect(d).toBeCloseTo(haversineMeters(89, 0, 90, 0), 3);
  });
});

describe("cellsInCircle", () => {
  it("holds the cell of every point within the radius, and only cells that reach into it", () => {
    fc.assert(
      fc.property(
        lat,
        lon,
        fc.double({ min: 10, max: 300_000, noNaN: true }),
        fc.integer({ min: 3, max: 7 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        (la, lo, r, l, frac, bearing) => {
          fc.pre(circleBoxCells(la, lo, r, l) <= 1500);
          const cover = cellsInCircle(la, lo, r, l);
          const set = new Set(cover.map((c) => c.hash));
          // A point at distance frac*r along the bearing (small-angle walk on the sphere).
          const [pLa, pLo] = destination(la, lo, r * frac * 0.999, bearing);
          expect(set.has(ngeohash.encode(pLa, pLo, l))).toBe(true);
          for (const c of cover) expect(c.distanceMeters).toBeLessThanOrEqual(r);
          expect(set.has(ngeohash.encode(la, lo, l))).toBe(true);
          expect(cover[0]?.distanceMeters).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("wraps across the antimeridian", () => {
    const cover = cellsInCircle(0, 179.999, 5_000, 5).map((c) => c.hash);
    expect(cover).toContain(ngeohash.encode(0, -179.999, 5));
    expect(cover).toContain(ngeohash.encode(0, 179.999, 5));
  });

  it("takes every longitude around a pole it contains", () => {
    expect(circleBox(89.99, 10, 5_000)).toMatchObject({ west: -180, east: 180, north: 90 });
    const cover = cellsInCircle(89.99, 10, 5_000, 4).map((c) => c.hash);
    // The cell on the opposite side of the pole is 2.2 km away: within 5 km.
    expect(cover).toContain(ngeohash.encode(89.99, -170, 4));
  });
});

function circleBoxCells(la: number, lo: number, r: number, l: number): number {
  return boxCellCount(circleBox(la, lo, r), l);
}

/** The point `distance` metres from (lat, lon) along `bearing` radians, on the sphere. */
function destination(la: number, lo: number, distance: number, bearing: number): [number, number] {
  const R = 6_371_008.8;
  const d = distance / R;
  const p1 = (la * Math.PI) / 180;
  const l1 = (lo * Math.PI) / 180;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(bearing));
  const l2 =
    l1 +
    Math.atan2(
      Math.sin(bearing) * Math.sin(d) * Math.cos(p1),
      Math.cos(d) - Math.sin(p1) * Math.sin(p2),
    );
  const lonDeg = (((((l2 * 180) / Math.PI + 540) % 360) + 360) % 360) - 180;
  return [(p2 * 180) / Math.PI, lonDeg];
}
