import { describe, expect, it } from "vitest";
import { detectorSettings } from "../../src/app.js";
import type { DataModelName } from "../../src/cassandra/models/index.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { Detector } from "../../src/pipeline/detector.js";
import { openTestModel, testConfig } from "../support/detector.js";

const MODELS: DataModelName[] = [
  "table-per-length",
  "clustering-columns",
  "prefix-range",
  "secondary-index",
];

describe("the source article's data models", () => {
  for (const name of MODELS) {
    it(`${name}: stores events idempotently and finds the 50 nearest from the smallest area`, async () => {
      const config = testConfig({ dataModel: name });
      const model = await openTestModel(config);
      const t0 = Date.now() - 60_000;
      const events = Array.from({ length: 70 }, (_, i) => ({
        id: `e${i}`,
        lat: -33.8688 + (i % 7) * 0.00001,
        lon: 151.2093 + (i % 10) * 0.00001,
        value: 20 + (i % 3) / 10,
        timeMs: t0 + i,
      }));
      await Promise.all(events.map((e) => model.store.write(e)));
      await Promise.all(events.slice(0, 10).map((e) => model.store.write(e))); // replayed: upserts

      const detector = new Detector(
        model.store,
        detectorSettings(config),
        createMetrics().pipeline,
      );
      const { search } = await detector.evaluate({
        id: "probe",
        lat: -33.8688,
        lon: 151.2093,
        value: 20,
        timeMs: t0 + 1000,
      });
      expect(search.neighbours).toHaveLength(50);
      expect(new Set(search.neighbours.map((n) => n.id)).size).toBe(50);
      expect(search.stoppedAtLength).toBe(8);
      expect(Math.max(...search.neighbours.map((n) => n.distanceMeters))).toBeLessThan(20);
    });
  }
});
