import { describe, expect, it } from "vitest";
import { createMetrics } from "../../src/observability/metrics.js";
import { Detector } from "../../src/pipeline/detector.js";
import type { EventStore } from "../../src/pipeline/ports.js";
import { detectorSettings } from "../../src/app.js";
import { openTestModel, testConfig } from "../support/detector.js";

/** 60 neighbours a few metres across an edge that separates cells at every geohash length. */
async function neighboursAcross(
  store: EventStore,
  lat: (i: number) => number,
  lon: (i: number) => number,
): Promise<number> {
  const t0 = Date.now() - 60_000;
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      store.write({
        id: `n${i}`,
        lat: lat(i),
        lon: lon(i),
        value: 20 + (i % 5) / 10,
        timeMs: t0 + i,
      }),
    ),
  );
  return t0 + 100;
}

describe("search modes at a cell edge", () => {
  const cases = [
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
  for (const c of cases) {
    it(`ring mode finds neighbours across ${c.name}; cell mode does not`, async () => {
      const ringConfig = testConfig({ searchMode: "ring" });
      const { store } = await openTestModel(ringConfig);
      const timeMs = await neighboursAcross(store, c.lat, c.lon);
      const event = { id: "self", ...c.self, value: 40, timeMs };

      const ring = new Detector(store, detectorSettings(ringConfig), createMetrics().pipeline);
      const ringResult = await ring.evaluate(event);
      expect(ringResult.search.neighbours).toHaveLength(50);
      expect(ringResult.search.stoppedAtLength).toBe(8);
      expect(Math.max(...ringResult.search.neighbours.map((n) => n.distanceMeters))).toBeLessThan(
        30,
      );
      expect(ringResult.verdict.kind === "scored" && ringResult.verdict.anomalous).toBe(true);

      const cellConfig = { ...ringConfig, searchMode: "cell" as const };
      const cell = new Detector(store, detectorSettings(cellConfig), createMetrics().pipeline);
      const cellResult = await cell.evaluate(event);
      expect(cellResult.search.neighbours).toHaveLength(0);
      expect(cellResult.search.queries).toBe(8);
      expect(cellResult.verdict.kind).toBe("insufficient");
    });
  }
});
