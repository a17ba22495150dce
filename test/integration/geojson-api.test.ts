import { check } from "@placemarkio/check-geojson";
import { describe, expect, it } from "vitest";
import { eventsAt, oneEvent } from "../support/events.js";
import { testConfig } from "../support/detector.js";
import { startCheckedStack } from "../support/query.js";

interface Positioned {
  readonly id: string;
  readonly lon: number;
  readonly lat: number;
}

/** The id and position of each Feature of a valid FeatureCollection (check-geojson validates it). */
function featuresOf(text: string): Positioned[] {
  const geo = check(text);
  if (geo.type !== "FeatureCollection")
    throw new Error(`expected a FeatureCollection, got ${geo.type}`);
  return geo.features.map((f) => {
    if (f.geometry?.type !== "Point") throw new Error("expected Point geometries");
    const [lon, lat] = f.geometry.coordinates;
    return { id: String(f.id), lon: lon ?? NaN, lat: lat ?? NaN };
  });
}

describe("GeoJSON answers against the real servers", () => {
  it("answers events, clusters and anomalies as valid FeatureCollections with the JSON answers' ids and positions", async () => {
    const config = testConfig();
    const t0 = Date.now() - 5 * 60_000;
    const spike = oneEvent("spike-geo", [48.85661, 2.35221], 42);
    const normals = [
      ...eventsAt("paris", 48.8566, 2.3522, 60, 20, t0),
      ...eventsAt("meaux", 48.96, 2.88, 50, 20, t0 + 5),
    ];
    const { api } = await startCheckedStack(config, normals, spike);
    const box = "bbox=2.2,48.7,3.0,49.1";
    const routes: [string, (body: Record<string, unknown>) => Positioned[]][] = [
      [
        `/v1/events?${box}`,
        (b) => (b["events"] as Positioned[]).map((e) => ({ id: e.id, lon: e.lon, lat: e.lat })),
      ],
      [
        `/v1/clusters?${box}&zoom=9`,
        (b) =>
          (b["clusters"] as { geohash: string; lon: number; lat: number }[]).map((c) => ({
            id: c.geohash,
            lon: c.lon,
            lat: c.lat,
          })),
      ],
      [
        `/v1/anomalies?${box}`,
        (b) =>
          (b["anomalies"] as { event: Positioned }[]).map(({ event: e }) => ({
            id: e.id,
            lon: e.lon,
            lat: e.lat,
          })),
      ],
    ];
    for (const [path, items] of routes) {
      const json = await fetch(new URL(path, api.url));
      expect(json.status, path).toBe(200);
      const expected = items((await json.json()) as Record<string, unknown>);
      expect(expected.length, path).toBeGreaterThan(0);

      const byFormat = await fetch(new URL(`${path}&format=geojson`, api.url));
      expect(byFormat.headers.get("content-type"), path).toMatch(/^application\/geo\+json/);
      expect(featuresOf(await byFormat.text()), path).toEqual(expected);

      const byAccept = await fetch(new URL(path, api.url), {
        headers: { accept: "application/geo+json" },
      });
      expect(byAccept.headers.get("content-type"), path).toMatch(/^application\/geo\+json/);
      expect(featuresOf(await byAccept.text()), path).toEqual(expected);
    }
    const events = await fetch(new URL(`/v1/events?${box}&format=geojson`, api.url));
    expect(((await events.json()) as { metadata: Record<string, unknown> }).metadata).toMatchObject(
      {
        truncated: false,
        partitions: expect.any(Number) as number,
      },
    );
    expect((await fetch(new URL(`/v1/anomalies?${box}&format=xml`, api.url))).status).toBe(400);
  });
});
