import { describe, expect, it } from "vitest";
import { formatAlert } from "../../../src/cli/alert-printer.js";
import type { AnomalyAlert } from "../../../src/domain/detect/alert.js";
import { describeNearestPlace } from "../../../src/synthetic/places.js";

function alertAt(lat: number, lon: number): AnomalyAlert {
  return {
    schemaVersion: 2,
    event: { id: "e1", lat, lon, time: "2026-12-02T10:00:00.000Z", value: 31.5 },
    score: 7.2,
    threshold: 4,
    scorer: "spatial",
    direction: "high",
    expected: 20.1,
    spread: 1.02,
    neighbours: { count: 50, medianDistanceMeters: 850, maxDistanceMeters: 12_300 },
    search: {
      geohashLength: 5,
      geohash: "s0000",
      coveredRadiusMeters: 13_000,
      maxDistanceMeters: 25_000,
      windowFrom: "2026-12-02T09:00:00.000Z",
      windowTo: "2026-12-02T10:00:00.000Z",
      outcome: "complete",
      reads: 2,
      rowsRead: 140,
    },
    region: "s000",
    detectedAt: "2026-12-02T10:00:00.100Z",
  };
}

describe("the demo's alert line", () => {
  it("names the nearest listed city when one is near", () => {
    const line = formatAlert(alertAt(6.5541, 3.3947), describeNearestPlace);
    expect(line).toContain("at 6.5541,3.3947 (11 km from Lagos, NG)");
    expect(line).toContain("7.2 spreads above the 50 neighbours");
  });

  it("says nothing of places in open ocean, or without a namer", () => {
    expect(formatAlert(alertAt(-30, -140), describeNearestPlace)).toContain(
      "at -30.0000,-140.0000  [neighbours 850 m median, 12.3 km farthest",
    );
    expect(formatAlert(alertAt(6.5541, 3.3947))).not.toContain("Lagos");
  });
});
