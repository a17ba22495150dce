import { describe, expect, it } from "vitest";
import { MODEL_NAMES, modelStoreFactory } from "../../bench/models/model-store.js";
import type { StoreFactory } from "../../src/compose.js";
import { encode } from "../../src/domain/geo.js";
import { openTestDetector, testConfig } from "../support/detector.js";

const MODELS: [string, StoreFactory | undefined][] = [
  ["table-per-length", undefined],
  ...MODEL_NAMES.map((name): [string, StoreFactory] => [name, modelStoreFactory(name)]),
];

describe("the source article's data models (benchmark comparison)", () => {
  for (const [name, factory] of MODELS) {
    it(`${name}: stores events idempotently and the search finds the 50 nearest`, async () => {
      const config = testConfig();
      const { store, detector } = await openTestDetector(config, factory);
      const t0 = Date.now() - 60_000;
      const events = Array.from({ length: 70 }, (_, i) => ({
        id: `e${i}`,
        lat: -33.8688 + (i % 7) * 0.00001,
        lon: 151.2093 + (i % 10) * 0.00001,
        value: 20 + (i % 3) / 10,
        timeMs: t0 + i,
      }));
      const write = (e: (typeof events)[number]): Promise<void> =>
        store.write(e, encode(e.lat, e.lon, 8));
      await Promise.all(events.map(write));
      await Promise.all(events.slice(0, 10).map(write)); // replayed: upserts

      const { search } = await detector.evaluate({
        id: "probe",
        lat: -33.8688,
        lon: 151.2093,
        value: 20,
        timeMs: t0 + 1000,
      });
      expect(search.outcome).toBe("complete");
      expect(search.neighbours).toHaveLength(50);
      expect(new Set(search.neighbours.map((n) => n.id)).size).toBe(50);
      expect(Math.max(...search.neighbours.map((n) => n.distanceMeters))).toBeLessThan(20);
    });
  }
});
