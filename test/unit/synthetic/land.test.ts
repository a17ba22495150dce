import { describe, expect, it } from "vitest";
import { buildLandMask, landMask } from "../../../src/synthetic/land.js";

describe("the land mask", () => {
  it("tells land from sea at well-known points, on both sides of the antimeridian", () => {
    const land = landMask();
    const cases: [string, number, number, boolean][] = [
      ["Paris", 48.85, 2.35, true],
      ["Sahara", 23, 10, true],
      ["Moscow", 55.75, 37.6, true],
      ["Sydney", -33.87, 151.0, true],
      ["Denver", 39.74, -104.99, true],
      ["Chukotka west of 180", 66, 175, true],
      ["Chukotka east of 180", 66, -175, true],
      ["Fiji, Viti Levu", -17.8, 178, true],
      ["mid-Atlantic", 40, -40, false],
      ["mid-Pacific", 0, -150, false],
      ["Southern Ocean", -65.7, -25, false],
      ["Caspian Sea", 42, 51, false],
      ["Bay of Biscay", 45.5, -4, false],
    ];
    for (const [name, lat, lon, expected] of cases) {
      expect(land.isLand(lat, lon), name).toBe(expected);
    }
  });

  it("counts about 30% of the sphere between 60 S and 80 N as land", () => {
    const land = landMask();
    let hits = 0;
    let area = 0;
    // A 1-degree grid weighted by cos(lat): land is about 29% of the Earth's surface.
    for (let lat = -59.5; lat < 80; lat += 1) {
      for (let lon = -179.5; lon < 180; lon += 1) {
        const w = Math.cos((lat * Math.PI) / 180);
        area += w;
        if (land.isLand(lat, lon)) hits += w;
      }
    }
    expect(hits / area).toBeGreaterThan(0.25);
    expect(hits / area).toBeLessThan(0.36);
  });

  it("handles a ring across the antimeridian and a hole", () => {
    const mask = buildLandMask([
      [
        [170, -10],
        [-170, -10],
        [-170, 10],
        [170, 10],
        [170, -10],
      ],
      // A lake inside the island: even-odd makes it sea.
      [
        [175, -2],
        [179, -2],
        [179, 2],
        [175, 2],
        [175, -2],
      ],
    ]);
    expect(mask.isLand(0, 172)).toBe(true);
    expect(mask.isLand(0, -175)).toBe(true);
    expect(mask.isLand(5, 179.9)).toBe(true);
    expect(mask.isLand(0, 177)).toBe(false);
    expect(mask.isLand(0, 0)).toBe(false);
    expect(mask.isLand(0, -160)).toBe(false);
    expect(mask.isLand(20, 175)).toBe(false);
  });
});
