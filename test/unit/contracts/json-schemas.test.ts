import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { buildAlert } from "../../../src/domain/detect/alert.js";
import { DEFAULT_LIMITS, parseEvent } from "../../../src/domain/detect/event.js";
import type { SearchResult } from "../../../src/domain/detect/search.js";
import { neighboursAt, searchResult } from "../../support/outcomes.js";
import { REPO_ROOT } from "../../../src/servers/paths.js";
import { createGenerator } from "../../../src/synthetic/generator.js";

function validator(file: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(
    JSON.parse(readFileSync(path.join(REPO_ROOT, "schema", file), "utf8")) as object,
  );
}

const search: SearchResult = searchResult({
  neighbours: neighboursAt(
    [10, 35, 80],
    { lat: 48.8566, lon: 2.3522, value: 20, timeMs: Date.UTC(2026, 0, 1) },
    1,
  ),
  stopLength: 7,
  coveredRadiusMeters: 140.4,
  windowFromMs: Date.UTC(2025, 11, 31),
  windowToMs: Date.UTC(2026, 0, 1),
  reads: 2,
  rowsRead: 130,
  partitionsRead: 18,
});

describe("published JSON Schemas", () => {
  it("the alert the detector builds validates against anomaly-alert.v2", () => {
    const validate = validator("anomaly-alert.v2.schema.json");
    const alert = buildAlert(
      { id: "e1", lat: 48.8566, lon: 2.3522, value: 35, timeMs: Date.UTC(2026, 0, 1) },
      "u09tvw0f",
      {
        kind: "scored",
        scorer: "robust",
        score: -7.25,
        threshold: 4,
        expected: 20,
        spread: 1.2,
        anomalous: true,
        neighbourCount: 3,
      },
      search,
      3,
      Date.UTC(2026, 0, 1, 0, 0, 1),
    );
    expect(validate(alert), JSON.stringify(validate.errors)).toBe(true);
    expect(alert.direction).toBe("low");
    expect(alert.region).toBe("u09");
    expect(alert.search.geohash).toBe("u09tvw0");
    expect(alert.neighbours).toEqual({ count: 3, medianDistanceMeters: 35, maxDistanceMeters: 80 });
    expect(validate({ ...alert, schemaVersion: 1 })).toBe(false);
    // The v1 contract is kept for consumers of older alerts; v2 alerts are not v1 alerts.
    expect(validator("anomaly-alert.v1.schema.json")(alert)).toBe(false);
  });

  it("generated events validate against geo-event.v1 and the parser accepts them", () => {
    const validate = validator("geo-event.v1.schema.json");
    const gen = createGenerator({
      distribution: "mixed",
      seed: 7,
      anomalyFraction: 0.1,
      magnitudes: [5],
    });
    for (let i = 0; i < 200; i++) {
      const { event } = gen.next();
      expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
      const ctx = { topic: "t", partition: 0, offset: String(i), timestampMs: Date.now() };
      expect(
        parseEvent(Buffer.from(JSON.stringify(event)), ctx, DEFAULT_LIMITS, Date.now()).ok,
      ).toBe(true);
    }
  });

  it("geo-event.v1 rejects what the parser dead-letters for shape", () => {
    const validate = validator("geo-event.v1.schema.json");
    expect(validate({ lat: 123, lon: 1, value: 1 })).toBe(false);
    expect(validate({ lat: 1, lon: 1 })).toBe(false);
    expect(validate({ lat: 1, lon: 1, value: "3" })).toBe(false);
    expect(validate({ lat: 1, lon: 1, value: 3, time: "yesterday" })).toBe(false);
    expect(validate({ id: "x", lat: 1, lon: 1, value: 3, time: 1_700_000_000_000 })).toBe(true);
  });
});
