import { describe, expect, it } from "vitest";
import type { GeoEvent } from "../../src/domain/detect/event.js";
import { cellBounds, encode } from "../../src/domain/geo/geo.js";
import { nearestK } from "../../src/domain/detect/neighbours.js";
import type { CheckItem, CheckOutcome } from "../../src/pipeline/detector.js";
import { cassandraClient } from "../support/helpers.js";
import { openTestDetector, storeEvents, testConfig } from "../support/detector.js";

const items = (events: readonly GeoEvent[]): CheckItem[] =>
  events.map((event, i) => ({ event, partition: 0, offset: String(i) }));

const neighbourIds = (o: CheckOutcome | undefined): string[] =>
  o?.kind === "checked" ? o.search.neighbours.map((n) => n.id) : [];

describe("checking a batch against Cassandra", () => {
  it("finds an earlier event of the same batch as a neighbour, and never a later one", async () => {
    const config = testConfig({ searchK: "5", minNeighbours: "3" });
    const parts = await openTestDetector(config);
    const t0 = Date.now() - 60_000;
    // Stored history a few hundred metres away; the batch's own events lie metres apart.
    const history = Array.from({ length: 10 }, (_, i) => ({
      id: `h${i}`,
      lat: 48.86 + i * 0.0005,
      lon: 2.35,
      value: 20,
      timeMs: t0 + i,
    }));
    await storeEvents(parts, history);
    const first = { id: "first", lat: 48.855, lon: 2.35, value: 20, timeMs: t0 + 100 };
    const second = { id: "second", lat: 48.85501, lon: 2.35, value: 20, timeMs: t0 + 200 };
    const [a, b] = await parts.detector.checkBatch(items([first, second]));
    // The second event's nearest neighbour is the first, written in the same batch.
    expect(neighbourIds(b)[0]).toBe("first");
    // The first event's nearest would be the second (later in the batch): it sees the history only.
    expect(neighbourIds(a)).not.toContain("second");
    expect(neighbourIds(a)).toEqual(nearestK(first, history, 5).map((n) => n.id));
  });

  it("does not see a later event of its batch even when a replay finds it already stored", async () => {
    const config = testConfig({ searchK: "5", minNeighbours: "1" });
    const parts = await openTestDetector(config);
    const t0 = Date.now() - 60_000;
    const batch = [0, 1, 2, 3].map((i) => ({
      id: `e${i}`,
      lat: 48.855 + i * 0.00001,
      lon: 2.35,
      value: 20,
      timeMs: t0 + i,
    }));
    const once = await parts.detector.checkBatch(items(batch));
    const twice = await parts.detector.checkBatch(items(batch));
    expect(twice.map(neighbourIds)).toEqual(once.map(neighbourIds));
    expect(neighbourIds(once[0])).toEqual([]);
    expect(neighbourIds(once[3])).toEqual(["e2", "e1", "e0"]);
    // The grouped writes upsert: each event once at every length.
    const client = await cassandraClient(config.cassandraKeyspace);
    for (const { length } of parts.layout) {
      const rs = await client.execute(`SELECT id FROM events_l${length}`);
      expect(rs.rows.map((r) => r["id"] as string).sort(), `length ${length}`).toEqual(
        batch.map((e) => e.id),
      );
    }
    await client.shutdown();
  });

  it("finds the exact neighbours on both sides of a cell border within one batch", async () => {
    const config = testConfig({ searchK: "20", minNeighbours: "5" });
    const parts = await openTestDetector(config);
    // A length-4 cell edge near Paris: history and batch events straddle it, metres apart.
    const [, , , east] = cellBounds(encode(48.85, 2.33, 4));
    const t0 = Date.now() - 120_000;
    const side = (i: number): number => (i % 2 === 0 ? east - 0.00003 : east + 0.00003);
    const history = Array.from({ length: 30 }, (_, i) => ({
      id: `h${i}`,
      lat: 48.85 + (i % 10) * 0.00002,
      lon: side(i),
      value: 20,
      timeMs: t0 + i,
    }));
    await storeEvents(parts, history);
    const batch = Array.from({ length: 12 }, (_, i) => ({
      id: `b${i}`,
      lat: 48.85 + (i % 6) * 0.00003,
      lon: side(i + 1),
      value: 20,
      timeMs: t0 + 1_000 + i,
    }));
    expect(new Set(batch.map((e) => encode(e.lat, e.lon, 4))).size).toBe(2);
    const outcomes = await parts.detector.checkBatch(items(batch));
    outcomes.forEach((o, i) => {
      const self = batch[i] as GeoEvent;
      const pool = [...history, ...batch.slice(0, i)];
      const expected = nearestK(self, pool, 20, { maxDistanceMeters: 25_000 });
      expect(neighbourIds(o), self.id).toEqual(expected.map((n) => n.id));
      const sides = new Set(expected.map((n) => n.lon > east));
      expect(sides.size).toBe(2);
    });
  });
});
