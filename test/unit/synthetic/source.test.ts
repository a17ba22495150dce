import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import { createMessageSource, MALFORMED_KEY } from "../../../src/synthetic/source.js";

const opts = {
  distribution: "mixed",
  seed: 12,
  anomalyFraction: 0.02,
  magnitudes: [6, 10],
  clock: () => Date.UTC(2024, 0, 1),
} as const;

describe("createMessageSource", () => {
  it("keys each event by the geohash of length 4 of its point", () => {
    const source = createMessageSource(opts);
    for (let i = 0; i < 200; i += 1) {
      const m = source.next();
      const event = JSON.parse(m.value.toString("utf8")) as { lat: number; lon: number };
      expect(m.key).toBe(ngeohash.encode(event.lat, event.lon, 4));
      expect(Object.keys(event).sort()).toEqual(["id", "lat", "lon", "time", "value"]);
    }
  });

  it("mixes in the malformed fraction and counts what it made", () => {
    const source = createMessageSource({ ...opts, malformedFraction: 0.1 });
    const n = 10_000;
    let keyedBad = 0;
    for (let i = 0; i < n; i += 1) if (source.next().key === MALFORMED_KEY) keyedBad += 1;
    const c = source.counts();
    expect(c.messages).toBe(n);
    expect(c.malformed).toBe(keyedBad);
    expect(c.events + c.malformed).toBe(n);
    expect(Math.abs(c.malformed / n - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(c.anomalies / c.events - 0.02)).toBeLessThan(0.006);
  });

  it("keeps the valid events of a seed independent of the malformed fraction", () => {
    const clean = createMessageSource(opts);
    const dirty = createMessageSource({ ...opts, malformedFraction: 0.3 });
    const valid: string[] = [];
    while (valid.length < 100) {
      const m = dirty.next();
      if (m.key !== MALFORMED_KEY) valid.push(m.value.toString("utf8"));
    }
    expect(valid).toEqual(Array.from({ length: 100 }, () => clean.next().value.toString("utf8")));
  });
});
