import { describe, expect, it } from "vitest";
import {
  anomaliesCollection,
  clustersCollection,
  eventsCollection,
  wantsGeoJson,
} from "../../../src/api/geojson.js";
import { sampleAlert } from "../../support/sample-alert.js";

const served = {
  from: "2026-12-01T11:00:00.000Z",
  to: "2026-12-01T12:00:00.000Z",
  partitions: 3,
  rowsRead: 9,
};
const event = {
  id: "fiji-1",
  lat: -17.1,
  lon: 179.9,
  value: 20.5,
  time: "2026-12-01T11:30:00.000Z",
};

describe("the GeoJSON conversion", () => {
  it("puts each event at [lon, lat] with the event as properties and its id as the Feature id", () => {
    const geo = eventsCollection({ length: 6, ...served, events: [event], truncated: true });
    expect(geo).toEqual({
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          id: "fiji-1",
          geometry: { type: "Point", coordinates: [179.9, -17.1] },
          properties: event,
        },
      ],
      metadata: { length: 6, ...served, truncated: true },
    });
  });

  it("places clusters at their mean position by geohash, and answers events in mode 'events'", () => {
    const cluster = { geohash: "u09", count: 4, lat: 48.8, lon: 2.3, anomalies: 1 };
    const clusters = clustersCollection({
      mode: "clusters",
      precision: 3,
      length: 4,
      ...served,
      clusters: [cluster],
      anomaliesTruncated: false,
    });
    expect(clusters.features.map((f) => [f.id, f.geometry.coordinates])).toEqual([
      ["u09", [2.3, 48.8]],
    ]);
    expect(clusters.metadata).toEqual({
      mode: "clusters",
      precision: 3,
      length: 4,
      ...served,
      anomaliesTruncated: false,
    });
    const events = clustersCollection({
      mode: "events",
      precision: 9,
      length: 8,
      ...served,
      clusters: [],
      events: [event],
      truncated: false,
    });
    expect(events.features.map((f) => f.properties)).toEqual([event]);
    expect(events.metadata).toEqual({
      mode: "events",
      precision: 9,
      length: 8,
      ...served,
      truncated: false,
    });
  });

  it("places each alert at its event, the whole alert as properties", () => {
    const alert = sampleAlert("spike-1", 48.85, 2.35, Date.UTC(2026, 11, 1, 11));
    const geo = anomaliesCollection({ length: 2, ...served, anomalies: [alert], truncated: false });
    expect(geo.features[0]?.geometry.coordinates).toEqual([2.35, 48.85]);
    expect(geo.features[0]?.properties).toBe(alert);
    expect(geo.features[0]?.id).toBe("spike-1");
  });

  it.each([
    [undefined, undefined, false],
    [undefined, "*/*", false],
    [undefined, "application/geo+json", true],
    [undefined, "application/json, application/geo+json;q=0.9", false],
    [undefined, "application/json;q=0.8, application/geo+json", true],
    ["json", "application/geo+json", false],
    ["geojson", "application/json", true],
  ] as const)("format %s with Accept %s: GeoJSON %s", (format, accept, geo) => {
    expect(wantsGeoJson(format, accept)).toBe(geo);
  });
});
