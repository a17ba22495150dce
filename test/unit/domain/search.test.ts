import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cellBounds, encode } from "../../../src/domain/geo/geo.js";
import { blockCells } from "../../support/block.js";
import { bucketStart } from "../../../src/domain/sizing/levels.js";
import { nearestK, type Candidate } from "../../../src/domain/detect/neighbours.js";
import {
  chooseLength,
  KnnSearch,
  nextRadius,
  stopRule,
  type CellRead,
  type CellReadResult,
  type SearchPolicy,
  type SearchResult,
} from "../../../src/domain/detect/search.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const T = Date.UTC(2026, 10, 1, 12, 0, 0);

/** Lengths 8..4 with the default layout's horizons; buckets equal to horizons. */
const LEVELS = [
  { length: 8, horizonMs: 24 * HOUR, bucketMs: 24 * HOUR },
  { length: 7, horizonMs: 24 * HOUR, bucketMs: 24 * HOUR },
  { length: 6, horizonMs: 12 * HOUR, bucketMs: 12 * HOUR },
  { length: 5, horizonMs: 4 * HOUR, bucketMs: 4 * HOUR },
  { length: 4, horizonMs: 2 * HOUR, bucketMs: 2 * HOUR },
];

function policy(overrides: Partial<SearchPolicy> = {}): SearchPolicy {
  return {
    k: 10,
    maxDistanceMeters: 25_000,
    maxCellsPerRead: 64,
    partitionCostRows: 15,
    maxReads: 8,
    rowsPerPartition: 1000,
    levels: LEVELS,
    ...overrides,
  };
}

/**
 * A table-per-length store in memory (a fake at the storage port): partitions by (cell, bucket),
 * newest rows first, at most rowsPerPartition + 1 rows per partition, completeFromMs as documented.
 */
function memoryStore(events: readonly Candidate[]) {
  const reads: CellRead[] = [];
  return {
    reads,
    read(r: CellRead): CellReadResult {
      reads.push(r);
      const bucketMs = LEVELS.find((l) => l.length === r.length)?.horizonMs ?? HOUR;
      const cells = new Set(r.cells);
      const partitions = new Map<string, Candidate[]>();
      for (const e of events) {
        const cell = encode(e.lat, e.lon, r.length);
        if (!cells.has(cell) || e.timeMs < r.fromMs || e.timeMs > r.toMs) continue;
        const key = `${cell}/${bucketStart(e.timeMs, bucketMs)}`;
        partitions.set(key, [...(partitions.get(key) ?? []), e]);
      }
      const rows: Candidate[] = [];
      let completeFromMs: number | undefined;
      for (const p of partitions.values()) {
        const newest = [...p].sort((a, b) => b.timeMs - a.timeMs).slice(0, r.rowsPerPartition + 1);
        rows.push(...newest);
        if (newest.length > r.rowsPerPartition) {
          const oldest = newest.at(-1)?.timeMs ?? 0;
          completeFromMs = Math.max(completeFromMs ?? -Infinity, oldest + 1);
        }
      }
      const buckets = Math.floor(r.toMs / bucketMs) - Math.floor(r.fromMs / bucketMs) + 1;
      return {
        rows,
        partitions: r.cells.length * buckets,
        ...(completeFromMs === undefined ? {} : { completeFromMs }),
      };
    },
  };
}

function run(
  self: { id: string; lat: number; lon: number; timeMs: number },
  events: readonly Candidate[],
  p: SearchPolicy,
  start = 1_000,
): { result: SearchResult; reads: CellRead[] } {
  const store = memoryStore(events);
  const search = new KnnSearch(self, p, start);
  for (let read = search.nextRead(); read !== undefined; read = search.nextRead()) {
    search.absorb(read, store.read(read));
  }
  return { result: search.result(), reads: store.reads };
}

/** Events scattered around (lat, lon) within `spreadKm`, times within the last `ageMs`. */
function scatter(
  n: number,
  lat: number,
  lon: number,
  spreadKm: number,
  seed: number,
  ageMs = HOUR,
): Candidate[] {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, (_, i) => {
    const dLat = ((rnd() - 0.5) * 2 * spreadKm) / 111;
    const dLon =
      ((rnd() - 0.5) * 2 * spreadKm) / (111 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
    const la = Math.max(-90, Math.min(90, lat + dLat));
    const lo = ((((lon + dLon + 180) % 360) + 360) % 360) - 180;
    return { id: `e${i}`, lat: la, lon: lo, value: i, timeMs: T - Math.floor(rnd() * ageMs) };
  });
}

/** The brute-force answer for a result's own bound and window. */
function reference(
  self: { id: string; lat: number; lon: number; timeMs: number },
  events: readonly Candidate[],
  r: SearchResult,
  k: number,
): string[] {
  return nearestK(self, events, k, {
    maxDistanceMeters: Math.min(r.maxDistanceMeters, r.coveredRadiusMeters),
    fromMs: r.windowFromMs,
  }).map((n) => n.id);
}

describe("stopRule", () => {
  it("is complete once the k-th candidate lies inside the covered circle", () => {
    expect(stopRule(90, 100, 25_000, 1, 5)).toBe("complete");
    expect(stopRule(100, 100, 25_000, 1, 5)).toBe("complete");
  });

  it("widens while the k-th candidate could still be beaten by an unread one", () => {
    expect(stopRule(120, 100, 25_000, 1, 5)).toBeUndefined();
    expect(stopRule(undefined, 100, 25_000, 1, 5)).toBeUndefined();
  });

  it("is bounded once everything within the distance bound was read", () => {
    expect(stopRule(undefined, 25_000, 25_000, 2, 5)).toBe("bounded");
    expect(stopRule(30_000, 26_000, 25_000, 2, 5)).toBe("bounded");
  });

  it("stops at the read budget", () => {
    expect(stopRule(undefined, 100, 25_000, 5, 5)).toBe("budget");
  });
});

describe("nextRadius", () => {
  it("aims at the circle that would hold k at the density found", () => {
    // 10 found within 100 m, 40 wanted: density says twice the radius, plus the margin.
    expect(nextRadius(100, 10, 40, 25_000)).toBeCloseTo(220, 6);
  });

  it("grows at least 30% and never beyond the bound", () => {
    expect(nextRadius(100, 39, 40, 25_000)).toBeCloseTo(130, 6);
    expect(nextRadius(10_000, 1, 50, 25_000)).toBe(25_000);
  });

  it("jumps far when nothing was found", () => {
    expect(nextRadius(100, 0, 50, 25_000)).toBeGreaterThan(1_000);
  });
});

describe("chooseLength", () => {
  const costs = { k: 50, maxCellsPerRead: 64, partitionCostRows: 15 };

  it("takes cells about the circle's size: fine for a small circle, coarse for a large one", () => {
    const at = (r: number): number =>
      chooseLength({ lat: 48.85, lon: 2.35, radiusMeters: r }, LEVELS, costs).length;
    expect(at(30)).toBeGreaterThanOrEqual(7);
    expect([5, 6]).toContain(at(1_000));
    expect(at(20_000)).toBe(4);
    for (const [small, large] of [
      [10, 100],
      [100, 1_000],
      [1_000, 10_000],
    ] as const) {
      expect(at(small)).toBeGreaterThanOrEqual(at(large));
    }
  });

  it("prefers fewer, larger cells when a partition costs more", () => {
    const cheap = chooseLength({ lat: 48.85, lon: 2.35, radiusMeters: 3_000 }, LEVELS, {
      ...costs,
      partitionCostRows: 1,
    });
    const dear = chooseLength({ lat: 48.85, lon: 2.35, radiusMeters: 3_000 }, LEVELS, {
      ...costs,
      partitionCostRows: 200,
    });
    expect(cheap.length).toBeGreaterThan(dear.length);
  });

  it("never takes more cells than the cap; the coarsest stored length when all need more", () => {
    expect(
      chooseLength({ lat: 48.85, lon: 2.35, radiusMeters: 1_000 }, LEVELS, {
        ...costs,
        partitionCostRows: 0,
        maxCellsPerRead: 4,
      }).length,
    ).toBeLessThanOrEqual(6);
    expect(
      chooseLength({ lat: 48.85, lon: 2.35, radiusMeters: 500_000 }, LEVELS, costs).length,
    ).toBe(4);
  });
});

describe("KnnSearch", () => {
  const self = { id: "self", lat: 48.8566, lon: 2.3522, timeMs: T };

  it("finds exactly the k nearest within the bound and window, whatever the start radius", () => {
    const events = scatter(400, self.lat, self.lon, 3, 7);
    for (const start of [10, 300, 3_000, 25_000]) {
      const { result } = run(self, events, policy({ k: 25 }), start);
      expect(result.outcome).toBe("complete");
      expect(result.neighbours.map((n) => n.id)).toEqual(reference(self, events, result, 25));
      expect(result.neighbours).toHaveLength(25);
    }
  });

  it("reads only new cells when it widens, and ends in few reads", () => {
    const events = scatter(400, self.lat, self.lon, 3, 11);
    const { result, reads } = run(self, events, policy({ k: 25 }), 10);
    expect(result.reads).toBeLessThanOrEqual(4);
    for (const [i, r] of reads.entries()) {
      for (const earlier of reads.slice(0, i).filter((e) => e.length === r.length)) {
        expect(r.cells.filter((c) => earlier.cells.includes(c))).toEqual([]);
      }
    }
  });

  it("finds nearer neighbours two cells away that a 3x3 block would miss", () => {
    // The event sits in the north-east corner of its length-7 cell. Ten neighbours lie just east,
    // in the cell two columns over (outside the 3x3 block around its cell); ten farther ones lie
    // inside the block's south-west cell. A 3x3 read would stop with the farther ten.
    const [s7, w7, n7, e7] = cellBounds(encode(48.8566, 2.3522, 7));
    const width = e7 - w7;
    const height = n7 - s7;
    const corner = { id: "self", lat: n7 - 1e-7, lon: e7 - 1e-7, timeMs: T };
    const near = Array.from({ length: 10 }, (_, i) => ({
      id: `near${i}`,
      lat: corner.lat - i * 1e-6,
      lon: e7 + 1.2 * width,
      value: 1,
      timeMs: T - 2 * HOUR - i,
    }));
    const far = Array.from({ length: 10 }, (_, i) => ({
      id: `far${i}`,
      lat: s7 - 0.5 * height,
      lon: w7 - 0.5 * width + i * 1e-6,
      value: 1,
      timeMs: T - i,
    }));
    const block = new Set(blockCells(encode(corner.lat, corner.lon, 7)));
    expect(near.some((e) => block.has(encode(e.lat, e.lon, 7)))).toBe(false);
    expect(far.every((e) => block.has(encode(e.lat, e.lon, 7)))).toBe(true);
    const { result } = run(corner, [...near, ...far], policy({ k: 10 }), 50);
    expect(result.neighbours.map((n) => n.id).sort()).toEqual(near.map((n) => n.id).sort());
  });

  it("never counts events beyond the distance bound: an isolated place gets fewer than k", () => {
    const city = scatter(200, self.lat + 2, self.lon, 5, 3); // ~220 km north
    const { result } = run(self, city, policy({ k: 25 }), 1_000);
    expect(result.outcome).toBe("bounded");
    expect(result.neighbours).toHaveLength(0);
    expect(result.coveredRadiusMeters).toBeGreaterThanOrEqual(25_000);
  });

  it("excludes the event itself and events from its future", () => {
    const events = [
      { id: "self", lat: self.lat, lon: self.lon, value: 1, timeMs: T },
      { id: "later", lat: self.lat, lon: self.lon, value: 1, timeMs: T + 1 },
      { id: "before", lat: self.lat, lon: self.lon, value: 1, timeMs: T - 1 },
    ];
    const { result } = run(self, events, policy({ k: 2 }));
    expect(result.neighbours.map((n) => n.id)).toEqual(["before"]);
  });

  it("searches each length over its own horizon: coarser reads look back less", () => {
    const events = scatter(30, self.lat, self.lon, 15, 5, 10 * HOUR);
    const { result, reads } = run(self, events, policy({ k: 25 }), 100);
    for (const r of reads) {
      const horizon = LEVELS.find((l) => l.length === r.length)?.horizonMs ?? 0;
      expect(r.fromMs).toBeGreaterThanOrEqual(T - horizon);
    }
    expect(result.windowFromMs).toBeGreaterThanOrEqual(T - 2 * HOUR);
    expect(result.neighbours.every((n) => n.timeMs >= result.windowFromMs)).toBe(true);
  });

  it("shortens the window when a partition holds more than its row limit, and stays exact in it", () => {
    const events = scatter(600, self.lat, self.lon, 0.004, 13, 20 * HOUR);
    const { result } = run(self, events, policy({ k: 20, rowsPerPartition: 50 }), 20);
    expect(result.windowCut).toBe(true);
    expect(result.windowFromMs).toBeGreaterThan(T - 20 * HOUR);
    expect(result.neighbours.map((n) => n.id)).toEqual(reference(self, events, result, 20));
  });

  it("redoes a cut read at a finer length, keeping the whole nominal window exact", () => {
    // 3,000 events within ~3 km over 10 hours: a length-5 cell holds thousands, a length-7 cell a few.
    const events = scatter(3_000, self.lat, self.lon, 3, 23, 10 * HOUR);
    const { result, reads } = run(self, events, policy({ k: 20, rowsPerPartition: 100 }), 2_000);
    expect(reads[0]?.length).toBeLessThanOrEqual(5);
    expect(result.windowCut).toBe(false);
    expect(result.stopLength).toBeGreaterThan(reads[0]?.length ?? 0);
    const horizon = LEVELS.find((l) => l.length === result.stopLength)?.horizonMs ?? 0;
    const nominal = nearestK(self, events, 20, { maxDistanceMeters: 25_000, fromMs: T - horizon });
    expect(result.neighbours.map((n) => n.id)).toEqual(nominal.map((n) => n.id));
  });

  it("stops at the read budget, exact within what it covered", () => {
    const events = scatter(50, self.lat, self.lon, 20, 17);
    const { result } = run(self, events, policy({ k: 50, maxReads: 1 }), 20);
    expect(result.outcome).toBe("budget");
    expect(result.reads).toBe(1);
    expect(result.neighbours.map((n) => n.id)).toEqual(reference(self, events, result, 50));
  });

  it("is exact near the antimeridian and the poles (property)", () => {
    const places = fc.constantFrom(
      { lat: 0.5, lon: 179.995 },
      { lat: -12, lon: -179.99 },
      { lat: 89.97, lon: 45 },
      { lat: -89.95, lon: -120 },
      { lat: 64.1, lon: -21.9 },
    );
    fc.assert(
      fc.property(
        places,
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 5, max: 30 }),
        fc.double({ min: 0.2, max: 8, noNaN: true }),
        fc.double({ min: 5, max: 20_000, noNaN: true }),
        (place, seed, k, spreadKm, start) => {
          const me = { id: "self", lat: place.lat, lon: place.lon, timeMs: T };
          const events = scatter(150, place.lat, place.lon, spreadKm, seed);
          const { result } = run(me, events, policy({ k }), start);
          expect(result.outcome).not.toBe("budget");
          expect(result.neighbours.map((n) => n.id)).toEqual(reference(me, events, result, k));
          if (result.outcome === "bounded")
            expect(result.coveredRadiusMeters).toBeGreaterThanOrEqual(25_000);
        },
      ),
      { numRuns: 60 },
    );
  });
});
