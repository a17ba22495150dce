import { describe, expect, it } from "vitest";
import type { GeoEvent } from "../../../src/domain/event.js";
import { coveredRadiusMeters, encode, ringCells } from "../../../src/domain/geo.js";
import { DEFAULT_LAYOUT, layoutFor, type LevelSpec } from "../../../src/domain/levels.js";
import {
  nearestK,
  planSearch,
  runSearch,
  stopDecision,
  type Candidate,
  type SearchStep,
} from "../../../src/domain/search.js";

const T = 1_714_564_800_000; // 2024-05-01T12:00:00Z
const self: GeoEvent = { id: "self", lat: 51.5, lon: -0.12, value: 1, timeMs: T };

function cand(id: string, dLat: number, dt = -1000, value = 1): Candidate {
  return { id, lat: self.lat + dLat, lon: self.lon, value, timeMs: T + dt };
}

describe("planSearch", () => {
  it("goes from the longest length to the shortest, one step per length by default", () => {
    const plan = planSearch(self, DEFAULT_LAYOUT, "cell");
    expect(plan.map((s) => s.length)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    for (const step of plan) {
      expect(step.cells).toEqual([encode(self.lat, self.lon, step.length)]);
      const spec = DEFAULT_LAYOUT.find((s) => s.length === step.length)!;
      expect(step.toMs).toBe(T);
      expect(step.fromMs).toBe(T - spec.horizonMs);
    }
  });

  it("sorts an unsorted layout", () => {
    const unsorted = [...layoutFor([2, 6, 4])].reverse();
    expect(planSearch(self, unsorted, "cell").map((s) => s.length)).toEqual([6, 4, 2]);
  });

  it("reads the 3x3 ring in ring mode", () => {
    const plan = planSearch(self, layoutFor([6]), "ring");
    expect(plan[0]!.cells).toEqual(ringCells(encode(self.lat, self.lon, 6)));
    expect(plan[0]!.cells).toHaveLength(9);
  });

  it("groups buckets newest first, bucketsPerQuery at a time", () => {
    const spec: LevelSpec = { length: 5, bucketMs: 1000, horizonMs: 4500, ttlSeconds: 10 };
    const point = { lat: 0, lon: 0, timeMs: 10_200 };
    const all = planSearch(point, [spec], "cell");
    expect(all).toHaveLength(1);
    expect(all[0]!.buckets).toEqual([10_000, 9_000, 8_000, 7_000, 6_000, 5_000]);
    const grouped = planSearch(point, [spec], "cell", 2);
    expect(grouped.map((s) => s.buckets)).toEqual([
      [10_000, 9_000],
      [8_000, 7_000],
      [6_000, 5_000],
    ]);
    expect(grouped.every((s) => s.fromMs === 5_700 && s.toMs === 10_200)).toBe(true);
    expect(planSearch(point, [spec], "cell", 4).map((s) => s.buckets.length)).toEqual([4, 2]);
  });

  it("rejects a bad bucketsPerQuery", () => {
    expect(() => planSearch(self, DEFAULT_LAYOUT, "cell", 0)).toThrow(RangeError);
    expect(() => planSearch(self, DEFAULT_LAYOUT, "cell", 1.5)).toThrow(RangeError);
  });
});

describe("stopDecision", () => {
  it("stops with enough once k distinct neighbours are found", () => {
    expect(stopDecision(50, 50, 3)).toEqual({ stop: true, reason: "enough" });
    expect(stopDecision(51, 50, 0)).toEqual({ stop: true, reason: "enough" });
  });

  it("continues while short and steps remain, then reports exhausted", () => {
    expect(stopDecision(49, 50, 1)).toEqual({ stop: false });
    expect(stopDecision(49, 50, 0)).toEqual({ stop: true, reason: "exhausted" });
  });
});

function steps(...lengths: number[]): SearchStep[] {
  return lengths.map((length) => ({ length, cells: ["x"], buckets: [0], fromMs: 0, toMs: T }));
}

describe("runSearch", () => {
  it("stops at the first step that yields k distinct neighbours", async () => {
    const data: Record<number, Candidate[]> = {
      8: [cand("a", 0.0001)],
      7: [cand("a", 0.0001), cand("b", 0.0002), cand("c", 0.0003)],
      6: [cand("d", 0.001)],
    };
    const seen: number[] = [];
    const result = await runSearch(self, steps(8, 7, 6), 3, "cell", (s) => {
      seen.push(s.length);
      return Promise.resolve(data[s.length] ?? []);
    });
    expect(seen).toEqual([8, 7]);
    expect(result.queries).toBe(2);
    expect(result.satisfied).toBe(true);
    expect(result.stoppedAtLength).toBe(7);
    expect(result.neighbours.map((n) => n.id)).toEqual(["a", "b", "c"]);
    expect(result.radiusMeters).toBe(
      coveredRadiusMeters(self.lat, self.lon, encode(self.lat, self.lon, 7), "cell"),
    );
  });

  it("excludes itself, ignores the future, keeps the same instant, dedupes by id", async () => {
    const rows = [
      { ...self },
      cand("future", 0.0001, 1),
      cand("now", 0.0002, 0),
      cand("dup", 0.0003),
      cand("dup", 0.0003),
      cand("past", 0.0004, -1),
    ];
    const result = await runSearch(self, steps(8, 7), 3, "ring", () => Promise.resolve(rows));
    expect(result.neighbours.map((n) => n.id)).toEqual(["now", "dup", "past"]);
    expect(result.queries).toBe(1);
  });

  it("counts only distinct eligible candidates towards k", async () => {
    const rows = [{ ...self }, cand("future", 0.001, 5), cand("a", 0.001), cand("a", 0.002)];
    const result = await runSearch(self, steps(8, 7, 6), 2, "cell", () => Promise.resolve(rows));
    expect(result.queries).toBe(3);
    expect(result.satisfied).toBe(false);
    expect(result.neighbours).toHaveLength(1);
  });

  it("reports exhausted as unsatisfied at the last length", async () => {
    const result = await runSearch(self, steps(8, 7, 6), 50, "cell", () =>
      Promise.resolve([cand("a", 0.1)]),
    );
    expect(result).toMatchObject({ satisfied: false, stoppedAtLength: 6, queries: 3 });
    expect(result.neighbours).toHaveLength(1);
  });

  it("runs no query for an empty plan or k = 0", async () => {
    const fail = (): Promise<Candidate[]> => Promise.reject(new Error("should not query"));
    expect(await runSearch(self, [], 5, "cell", fail)).toMatchObject({
      satisfied: false,
      queries: 0,
      stoppedAtLength: 0,
      radiusMeters: 0,
    });
    expect(await runSearch(self, steps(8), 0, "cell", fail)).toMatchObject({
      satisfied: true,
      queries: 0,
    });
  });

  it("returns the k nearest even when later steps find closer ones", async () => {
    const data: Record<number, Candidate[]> = {
      8: [cand("far", 0.01)],
      7: [cand("near", 0.0001), cand("mid", 0.001)],
    };
    const result = await runSearch(self, steps(8, 7), 2, "cell", (s) =>
      Promise.resolve(data[s.length] ?? []),
    );
    expect(result.neighbours.map((n) => n.id)).toEqual(["near", "mid"]);
  });
});

describe("nearestK", () => {
  it("orders by distance, then newer time, then id", () => {
    const rows = [
      cand("z-old", 0.001, -5000),
      cand("far", 0.01),
      cand("b-new", 0.001, -10),
      cand("a-new", 0.001, -10),
      cand("near", 0.00001),
    ];
    const got = nearestK(self, rows, 4);
    expect(got.map((n) => n.id)).toEqual(["near", "a-new", "b-new", "z-old"]);
    expect(got[0]!.distanceMeters).toBeCloseTo(1.11, 1);
    expect(got[1]!.distanceMeters).toBeCloseTo(111.2, 0);
  });

  it("returns everything when k exceeds the candidates, nothing for k <= 0", () => {
    expect(nearestK(self, [cand("a", 0.1), cand("b", 0.2)], 10)).toHaveLength(2);
    expect(nearestK(self, [cand("a", 0.1)], 0)).toEqual([]);
  });

  it("agrees with runSearch on all candidates (brute-force reference)", async () => {
    const rows = Array.from({ length: 40 }, (_, i) => cand(`c${i}`, ((i * 37) % 11) * 1e-4, -i));
    const brute = nearestK(self, rows, 10);
    const searched = await runSearch(self, steps(8), 10, "cell", () => Promise.resolve(rows));
    expect(searched.neighbours).toEqual(brute);
  });
});
