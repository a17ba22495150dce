import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import {
  cellBounds,
  coveredRadiusMeters,
  encode,
  haversineMeters,
  ringCells,
} from "../../../src/domain/geo.js";

const VALID = /^[0123456789bcdefghjkmnpqrstuvwxyz]+$/;

function expectValidRing(hash: string, ring: string[]): void {
  expect(ring[0]).toBe(hash);
  expect(new Set(ring).size).toBe(ring.length);
  expect(ring.length).toBeLessThanOrEqual(9);
  for (const cell of ring) {
    expect(cell).toMatch(VALID);
    expect(cell).toHaveLength(hash.length);
    const { latitude, longitude } = ngeohash.decode(cell);
    expect(Math.abs(latitude)).toBeLessThanOrEqual(90);
    expect(Math.abs(longitude)).toBeLessThanOrEqual(180);
  }
}

describe("encode", () => {
  it("matches known geohashes", () => {
    expect(encode(51.501364, -0.14189, 6)).toBe("gcpuuz"); // Buckingham Palace, 1.2 km cell
    expect(encode(57.64911, 10.40744, 11)).toBe("u4pruydqqvj");
  });

  it("rejects lengths outside 1..12", () => {
    expect(() => encode(0, 0, 0)).toThrow(RangeError);
    expect(() => encode(0, 0, 13)).toThrow(RangeError);
  });
});

describe("ringCells", () => {
  it("is the cell and its 8 neighbours in the middle of the map", () => {
    const hash = encode(48.85, 2.35, 6);
    const ring = ringCells(hash);
    expectValidRing(hash, ring);
    expect(ring).toHaveLength(9);
    expect(new Set(ring.slice(1))).toEqual(new Set(ngeohash.neighbors(hash)));
  });

  it("wraps across the antimeridian", () => {
    const hash = encode(10, 179.9999, 5);
    const ring = ringCells(hash);
    expectValidRing(hash, ring);
    expect(ring).toHaveLength(9);
    const west = ring.map((c) => cellBounds(c)[1]);
    expect(west.filter((w) => w === -180)).toHaveLength(3); // E, NE, SE are on the -180 side
    expect(ring).toContain(encode(10, -179.9999, 5));
  });

  it("wraps the other way at lon -180", () => {
    const hash = encode(-33, -179.99, 4);
    expect(ringCells(hash)).toContain(encode(-33, 179.99, 4));
  });

  it.each([
    [89.99, 0, 1],
    [89.9999, 123, 3],
    [-89.9999, -179.9999, 2],
    [90, 180, 6],
    [-90, -180, 8],
  ])("has no duplicates or invalid cells near a pole (%d, %d, length %d)", (lat, lon, length) => {
    const hash = encode(lat, lon, length);
    const ring = ringCells(hash);
    expectValidRing(hash, ring);
    expect(ring).toHaveLength(6); // the row beyond the pole does not exist
  });

  it("fixes ngeohash.neighbors at the pole, which repeats the cell itself", () => {
    const hash = encode(89.99, 0, 1);
    expect(ngeohash.neighbors(hash)).toContain(hash); // the library defect this module avoids
    expect(ringCells(hash).slice(1)).not.toContain(hash);
  });
});

describe("haversineMeters", () => {
  it("is zero for the same point and symmetric", () => {
    expect(haversineMeters(12, 34, 12, 34)).toBe(0);
    expect(haversineMeters(1, 2, 3, 4)).toBeCloseTo(haversineMeters(3, 4, 1, 2), 6);
  });

  it("matches known distances", () => {
    expect(haversineMeters(0, 0, 1, 0)).toBeCloseTo(111_195, -1); // one degree of latitude
    expect(haversineMeters(0, 0, 0, 90)).toBeCloseTo(10_007_543, -2); // quarter of the equator
    expect(haversineMeters(90, 0, -90, 0)).toBeCloseTo(20_015_087, -2); // pole to pole
    // London (51.5074, -0.1278) to Paris (48.8566, 2.3522): about 343.6 km
    expect(haversineMeters(51.5074, -0.1278, 48.8566, 2.3522) / 1000).toBeCloseTo(343.6, 0);
  });

  it("takes the short way across the antimeridian", () => {
    expect(haversineMeters(0, 179.5, 0, -179.5)).toBeCloseTo(111_195, -1);
  });
});

describe("coveredRadiusMeters", () => {
  const cases: [number, number, number][] = [
    [48.85, 2.35, 5],
    [0.0001, 0.0001, 6],
    [-33.9, 151.2, 4],
    [60.1, 179.9999, 5],
    [89.5, 45.3, 3],
    [-89.9, -100, 2],
  ];

  it.each(cases)("is positive and inside the cell for (%d, %d) at length %d", (lat, lon, len) => {
    const hash = encode(lat, lon, len);
    const [s, w, n, e] = cellBounds(hash);
    const cell = coveredRadiusMeters(lat, lon, hash, "cell");
    const ring = coveredRadiusMeters(lat, lon, hash, "ring");
    expect(cell).toBeGreaterThan(0);
    // smaller than the cell: half its height, or half its width on the point's parallel
    const halfHeight = haversineMeters(s, w, n, w) / 2;
    const halfWidth = haversineMeters(lat, w, lat, e) / 2;
    expect(cell).toBeLessThanOrEqual(Math.min(halfHeight, halfWidth) + 1e-6);
    expect(ring).toBeGreaterThanOrEqual(cell);
    expect(ring).toBeLessThan(3 * haversineMeters(s, w, n, w));
  });

  it("equals the distance to the nearest edge in the middle of a small cell", () => {
    const hash = encode(10, 20, 7);
    const [s, w, n, e] = cellBounds(hash);
    const lat = s + (n - s) * 0.25;
    const lon = (w + e) / 2;
    expect(coveredRadiusMeters(lat, lon, hash, "cell")).toBeCloseTo(
      haversineMeters(lat, lon, s, lon),
      3,
    );
    // the 3x3 block adds one cell height below
    expect(coveredRadiusMeters(lat, lon, hash, "ring")).toBeCloseTo(
      haversineMeters(lat, lon, s - (n - s), lon),
      3,
    );
  });

  it("never claims a radius that reaches a point outside the searched cells", () => {
    const hash = encode(51.5, -0.12, 6);
    const origin = { lat: 51.5, lon: -0.12 };
    const cells = new Set(ringCells(hash));
    const rRing = coveredRadiusMeters(origin.lat, origin.lon, hash, "ring");
    const rCell = coveredRadiusMeters(origin.lat, origin.lon, hash, "cell");
    for (let bearing = 0; bearing < 360; bearing += 7.5) {
      const b = (bearing * Math.PI) / 180;
      for (const [r, inside] of [
        [rRing * 0.999, (c: string) => cells.has(c)],
        [rCell * 0.999, (c: string) => c === hash],
      ] as const) {
        const dLat = ((r * Math.cos(b)) / 6_371_008.8) * (180 / Math.PI);
        const dLon =
          ((r * Math.sin(b)) / (6_371_008.8 * Math.cos((origin.lat * Math.PI) / 180))) *
          (180 / Math.PI);
        expect(inside(encode(origin.lat + dLat, origin.lon + dLon, 6))).toBe(true);
      }
    }
  });

  it("is zero for a point outside the cell", () => {
    expect(coveredRadiusMeters(0, 0, encode(40, 40, 5), "cell")).toBe(0);
  });
});
