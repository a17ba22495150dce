import { describe, expect, it } from "vitest";
import { encode, haversineMeters } from "../../../src/domain/geo/geo.js";

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
