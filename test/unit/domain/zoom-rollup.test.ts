import fc from "fast-check";
import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import { rollUp, toClusters, anomaliesPerCell } from "../../../src/domain/query/rollup.js";
import * as zoom from "../../../src/domain/query/zoom.js";

describe("zoom to precision", () => {
  it("follows the source table: zoom 0 -> 1, 1-3 -> 2, 4-5 -> 3, 6-8 -> 4, 9-10 -> 5, 11-13 -> 6, 14-16 -> 7", () => {
    const expected = [1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7];
    expect(expected.map((_, z) => zoom.precisionForZoom(z))).toEqual(expected);
    expect(zoom.MAX_CLUSTER_ZOOM).toBe(16);
    expect(() => zoom.precisionForZoom(21)).toThrow(/0\.\.20/);
  });

  it("reads the precision's table when stored, else rolls up from the next finer stored length", () => {
    expect(zoom.clusterSource(4, [1, 2, 3, 4, 5, 6, 7, 8])).toEqual({
      kind: "clusters",
      precision: 3,
      sourceLength: 3,
    });
    expect(zoom.clusterSource(4, [4, 5, 6, 7, 8])).toEqual({
      kind: "clusters",
      precision: 3,
      sourceLength: 4,
    });
    expect(zoom.clusterSource(0, [4, 6, 8])).toEqual({
      kind: "clusters",
      precision: 1,
      sourceLength: 4,
    });
    expect(zoom.clusterSource(9, [4, 6, 8])).toEqual({
      kind: "clusters",
      precision: 5,
      sourceLength: 6,
    });
  });

  it("answers individual events past zoom 16 and finer than every stored length", () => {
    expect(zoom.clusterSource(17, [1, 8]).kind).toBe("events");
    expect(zoom.clusterSource(14, [4, 5, 6]).kind).toBe("events");
  });
});

describe("rolling clusters up", () => {
  it("adds counts and weights centroids by count, equal to clustering the points directly", () => {
    const point = fc.record({
      lat: fc.double({ min: -89, max: 89, noNaN: true }),
      lon: fc.double({ min: -179, max: 179, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(point, { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 3 }),
        (points, p) => {
          const fine = new Map<string, { count: number; sumLat: number; sumLon: number }>();
          for (const pt of points) {
            const cell = ngeohash.encode(pt.lat, pt.lon, p + 2);
            const s = fine.get(cell) ?? { count: 0, sumLat: 0, sumLon: 0 };
            s.count++;
            s.sumLat += pt.lat;
            s.sumLon += pt.lon;
            fine.set(cell, s);
          }
          const rolled = toClusters(
            rollUp(
              [...fine].map(([cell, s]) => ({ cell, ...s })),
              p,
            ),
          );
          const direct = new Map<string, typeof points>();
          for (const pt of points) {
            const cell = ngeohash.encode(pt.lat, pt.lon, p);
            direct.set(cell, [...(direct.get(cell) ?? []), pt]);
          }
          expect(rolled).toHaveLength(direct.size);
          for (const c of rolled) {
            const pts = direct.get(c.geohash) ?? [];
            expect(c.count).toBe(pts.length);
            expect(c.lat).toBeCloseTo(pts.reduce((s, x) => s + x.lat, 0) / pts.length, 9);
            expect(c.lon).toBeCloseTo(pts.reduce((s, x) => s + x.lon, 0) / pts.length, 9);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("counts anomalies per cell of the precision", () => {
    const a = anomaliesPerCell(
      [
        { lat: 48.85, lon: 2.35 },
        { lat: 48.86, lon: 2.34 },
        { lat: -33.9, lon: 151.2 },
      ],
      2,
    );
    expect(a.get("u0")).toBe(2);
    expect(a.get("r3")).toBe(1);
    const clusters = toClusters([{ cell: "u0", count: 5, sumLat: 5 * 48, sumLon: 10 }], a);
    expect(clusters[0]).toEqual({ geohash: "u0", count: 5, lat: 48, lon: 2, anomalies: 2 });
  });
});
