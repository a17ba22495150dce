import { describe, expect, it } from "vitest";
import { encode, ringCells } from "../../../src/domain/geo.js";
import type { Neighbour, SearchResult } from "../../../src/domain/search.js";
import { finerLengthSuffices, nextHint, StartHints } from "../../../src/domain/start-hints.js";

const self = { id: "self", lat: 48.8566, lon: 2.3522 };

function around(n: number, spreadDeg: number): Neighbour[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    lat: self.lat + ((i % 5) - 2) * spreadDeg,
    lon: self.lon + ((i % 7) - 3) * spreadDeg,
    value: 1,
    timeMs: i,
    distanceMeters: 1,
  }));
}

function result(stoppedAtLength: number, satisfied: boolean): SearchResult {
  return { neighbours: [], satisfied, stoppedAtLength, queries: 1, radiusMeters: 1 };
}

describe("finerLengthSuffices", () => {
  it("is true only when all k neighbours lie in the next finer length's searched area", () => {
    const tight = around(50, 0.00001); // metres apart: inside the length-7 ring
    expect(finerLengthSuffices(self, tight, 50, 6, "ring", 8)).toBe(true);
    const wide = around(50, 0.01); // a kilometre apart: outside the length-7 ring
    expect(finerLengthSuffices(self, wide, 50, 6, "ring", 8)).toBe(false);
  });
  it("needs k neighbours and a finer length to exist", () => {
    expect(finerLengthSuffices(self, around(49, 0.00001), 50, 6, "ring", 8)).toBe(false);
    expect(finerLengthSuffices(self, around(50, 0.00001), 50, 8, "ring", 8)).toBe(false);
  });
  it("in cell mode counts only the own finer cell", () => {
    const cell7 = encode(self.lat, self.lon, 7);
    const ring = ringCells(cell7);
    const inRingNotCell = around(50, 0.0012).some((n) => encode(n.lat, n.lon, 7) !== cell7);
    expect(ring.length).toBe(9);
    expect(inRingNotCell).toBe(true);
    expect(finerLengthSuffices(self, around(50, 0.0012), 50, 6, "cell", 8)).toBe(false);
  });
});

describe("nextHint", () => {
  it("keeps the stop length, tightens with evidence, and knows nothing after an exhausted search", () => {
    expect(nextHint(result(5, true), false)).toBe(5);
    expect(nextHint(result(5, true), true)).toBe(6);
    expect(nextHint(result(3, false), false)).toBeUndefined();
  });
});

describe("StartHints", () => {
  it("starts at the longest length without a hint, else one length finer than what sufficed", () => {
    const hints = new StartHints(8);
    expect(hints.startLength(self)).toBe(8);
    hints.record(self, 5);
    expect(hints.startLength(self)).toBe(6);
    expect(hints.startLength({ lat: self.lat + 0.0001, lon: self.lon })).toBe(6);
    expect(hints.startLength({ lat: -self.lat, lon: self.lon })).toBe(8);
  });
  it("prefers the finest region with a hint and never starts past the longest length", () => {
    const hints = new StartHints(8);
    const nearby = { lat: self.lat - 0.02, lon: self.lon }; // another length-6 cell, same length-4 cell
    expect(encode(nearby.lat, nearby.lon, 6)).not.toBe(encode(self.lat, self.lon, 6));
    expect(encode(nearby.lat, nearby.lon, 4)).toBe(encode(self.lat, self.lon, 4));
    hints.record(nearby, 3);
    expect(hints.startLength(self)).toBe(4);
    hints.record(self, 8);
    expect(hints.startLength(self)).toBe(8);
  });
  it("forgets a region's hint after an exhausted search there", () => {
    const hints = new StartHints(8);
    hints.record(self, 4);
    hints.record(self, undefined);
    expect(hints.startLength(self)).toBe(8);
  });
  it("stays bounded", () => {
    const hints = new StartHints(8, 10);
    for (let i = 0; i < 100; i++) hints.record({ lat: i * 0.5 - 25, lon: i * 1.5 - 75 }, 4);
    expect(hints.size).toBe(10);
  });
});
