import { describe, expect, it } from "vitest";
import { cellBounds, encode } from "../../src/domain/geo/geo.js";
import { nearestK, type Candidate } from "../../src/domain/detect/neighbours.js";
import type { DetectorParts } from "../../src/app/assembly.js";
import { blockCells } from "../support/block.js";
import { openTestDetector, storeEvents, testConfig } from "../support/detector.js";

/** `count` rows `${prefix}${i}`, the i-th placed, valued and timed by `at(i)`. */
function rows(
  prefix: string,
  count: number,
  at: (i: number) => Omit<Candidate, "id">,
): Candidate[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, ...at(i) }));
}

async function store(parts: DetectorParts, events: readonly Candidate[]): Promise<void> {
  await storeEvents(parts, events);
}

describe("the neighbour search against Cassandra", () => {
  const edges = [
    {
      name: "the equator",
      self: { lat: 0.00005, lon: 10.0 },
      lat: (i: number) => -0.00002 - (i % 6) * 0.00001,
      lon: (i: number) => 10.0 + (i % 10) * 0.00001,
    },
    {
      name: "the antimeridian",
      self: { lat: 20.0, lon: 179.99995 },
      lat: (i: number) => 20.0 + (i % 6) * 0.00001,
      lon: (i: number) => -179.99998 + (i % 10) * 0.00001,
    },
  ];
  for (const c of edges) {
    it(`finds the 50 nearest a few metres across ${c.name}, where no geohash prefix is shared`, async () => {
      const config = testConfig();
      const parts = await openTestDetector(config);
      const { detector } = parts;
      const t0 = Date.now() - 60_000;
      const events = rows("n", 60, (i) => ({
        lat: c.lat(i),
        lon: c.lon(i),
        value: 20 + (i % 5) / 10,
        timeMs: t0 + i,
      }));
      await store(parts, events);
      const self = { id: "self", ...c.self, value: 40, timeMs: t0 + 100 };
      expect(encode(self.lat, self.lon, 1)).not.toBe(encode(events[0]!.lat, events[0]!.lon, 1));
      const { search, verdict } = await detector.evaluate(self);
      expect(search.outcome).toBe("complete");
      expect(search.neighbours.map((n) => n.id)).toEqual(
        nearestK(self, events, 50).map((n) => n.id),
      );
      expect(Math.max(...search.neighbours.map((n) => n.distanceMeters))).toBeLessThan(30);
      expect(verdict.kind === "scored" && verdict.anomalous).toBe(true);
    });
  }

  it("finds the true k nearest where the 3x3 block of the event's cell would miss them", async () => {
    // The event sits in the north-east corner of its length-7 cell. Ten neighbours lie just east,
    // in the cell two columns over; ten farther ones lie in the block's south-west cell.
    const config = testConfig({ searchK: "10", minNeighbours: "5" });
    const parts = await openTestDetector(config);
    const { detector } = parts;
    const [s7, w7, n7, e7] = cellBounds(encode(48.8566, 2.3522, 7));
    const width = e7 - w7;
    const height = n7 - s7;
    const t0 = Date.now() - 600_000;
    const self = { id: "self", lat: n7 - 1e-7, lon: e7 - 1e-7, value: 20, timeMs: Date.now() };
    const near = Array.from({ length: 10 }, (_, i) => ({
      id: `near${i}`,
      lat: self.lat - i * 1e-6,
      lon: e7 + 1.2 * width,
      value: 20,
      timeMs: t0 - i, // older than the far ones: a newest-rows-first read would prefer those
    }));
    const far = Array.from({ length: 10 }, (_, i) => ({
      id: `far${i}`,
      lat: s7 - 0.5 * height,
      lon: w7 - 0.5 * width + i * 1e-6,
      value: 20,
      timeMs: t0 + 1000 + i,
    }));
    const block = new Set(blockCells(encode(self.lat, self.lon, 7)));
    expect(near.some((e) => block.has(encode(e.lat, e.lon, 7)))).toBe(false);
    expect(far.every((e) => block.has(encode(e.lat, e.lon, 7)))).toBe(true);
    await store(parts, [...near, ...far]);
    const { search } = await detector.evaluate(self);
    expect(search.outcome).toBe("complete");
    expect(search.neighbours.map((n) => n.id).sort()).toEqual(near.map((n) => n.id).sort());
  });

  it("counts nothing beyond the distance bound: a place 200 km from a city is insufficient", async () => {
    const config = testConfig();
    const parts = await openTestDetector(config);
    const { detector } = parts;
    const t0 = Date.now() - 60_000;
    const city = rows("c", 80, (i) => ({
      lat: 48.8566 + (i % 9) * 0.001,
      lon: 2.3522 + (i % 7) * 0.001,
      value: 20,
      timeMs: t0 + i,
    }));
    await store(parts, city);
    const isolated = { id: "iso", lat: 47.0, lon: 2.3522, value: 500, timeMs: Date.now() };
    const { search, verdict } = await detector.evaluate(isolated);
    expect(search.outcome).toBe("bounded");
    expect(search.neighbours).toHaveLength(0);
    expect(verdict).toMatchObject({ kind: "insufficient", reason: "no_history" });
  });
});
