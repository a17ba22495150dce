import { describe, expect, it } from "vitest";
import type { Neighbour } from "../../../src/domain/detect/neighbours.js";
import type { SearchResult } from "../../../src/domain/detect/search.js";
import { insufficientReason, judge, offsetKm } from "../../../src/domain/detect/verdict.js";

function search(neighbours: Neighbour[], outcome: SearchResult["outcome"]): SearchResult {
  return {
    neighbours,
    outcome,
    stopLength: 6,
    coveredRadiusMeters: 900,
    maxDistanceMeters: 25_000,
    windowFromMs: 0,
    windowToMs: 1000,
    windowCut: false,
    reads: 1,
    rowsRead: neighbours.length,
    partitionsRead: 9,
  };
}

function around(n: number): Neighbour[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    lat: 10 + Math.cos(i) * 0.01,
    lon: 20 + Math.sin(i) * 0.01,
    value: 50 + ((i % 5) - 2) / 2,
    timeMs: i,
    distanceMeters: 1000,
  }));
}

const SETTINGS = { scorer: "robust" as const, threshold: 4, minNeighbours: 10 };

describe("judge", () => {
  it("says insufficient below the minimum, with the reason, and never scores", () => {
    expect(judge({ lat: 10, lon: 20, value: 1e9 }, search(around(9), "bounded"), SETTINGS)).toEqual(
      {
        kind: "insufficient",
        reason: "sparse",
        scorer: "robust",
        neighbourCount: 9,
        threshold: 4,
      },
    );
    const none = judge({ lat: 10, lon: 20, value: 1 }, search([], "bounded"), SETTINGS);
    expect(none).toMatchObject({ kind: "insufficient", reason: "no_history" });
  });

  it("scores with enough neighbours", () => {
    const v = judge({ lat: 10, lon: 20, value: 80 }, search(around(30), "complete"), SETTINGS);
    expect(v).toMatchObject({ kind: "scored", anomalous: true, neighbourCount: 30 });
  });

  it("gives the trend scorer the neighbours' positions", () => {
    const settings = { ...SETTINGS, scorer: "trend" as const };
    const v = judge({ lat: 10, lon: 20, value: 50 }, search(around(30), "complete"), settings);
    expect(v).toMatchObject({ kind: "scored", scorer: "trend", anomalous: false });
  });
});

describe("insufficientReason", () => {
  it("blames the read budget when the search was cut short", () => {
    expect(insufficientReason(search(around(3), "budget"))).toBe("search_budget");
    expect(insufficientReason(search(around(3), "bounded"))).toBe("sparse");
    expect(insufficientReason(search([], "complete"))).toBe("no_history");
  });
});

describe("offsetKm", () => {
  it("measures east and north in km, wrapping at the antimeridian", () => {
    const [east, north] = offsetKm(0, 179.99, { lat: 0.01, lon: -179.99 });
    expect(east).toBeCloseTo(2.226, 2);
    expect(north).toBeCloseTo(1.106, 2);
  });
});
