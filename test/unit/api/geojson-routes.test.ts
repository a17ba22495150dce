import { check } from "@placemarkio/check-geojson";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../../src/domain/detect/alert.js";
import { defaultLayout } from "../../../src/domain/sizing/layout.js";
import type { BoxRead, StoredEvent } from "../../../src/query/ports.js";
import { apiOverFakes, NOW, oneRowSummary } from "./fixture.js";
import { sampleAlert } from "../../support/sample-alert.js";

const stored: StoredEvent[] = [
  { id: "a", lat: 48.85, lon: 2.35, value: 1, timeMs: NOW - 60_000 },
  { id: "b", lat: 48.86, lon: 2.36, value: 2, timeMs: NOW - 30_000 },
];
const alerts: AnomalyAlert[] = [sampleAlert("spike-1", 48.851, 2.351, NOW - 20_000)];

const inBox = <T extends { lat: number; lon: number }>(read: BoxRead, rows: readonly T[]) =>
  rows.filter(
    (r) =>
      r.lat >= read.box.south &&
      r.lat <= read.box.north &&
      r.lon >= read.box.west &&
      r.lon <= read.box.east,
  );

let app: FastifyInstance;
beforeAll(async () => {
  app = await apiOverFakes({
    layout: defaultLayout([3, 4, 5, 6, 7, 8]),
    events: {
      newestInBox: (_l, read) =>
        Promise.resolve({ rows: inBox(read, stored), truncated: false, partitions: 1 }),
      cellSums: (_l, cells) =>
        Promise.resolve(
          cells.slice(0, 1).map((cell) => ({ cell, count: 2, sumLat: 97.71, sumLon: 4.71 })),
        ),
    },
    summary: oneRowSummary(48.85, 2.35),
    alerts: {
      newestInBox: (read) =>
        Promise.resolve({
          rows: alerts.filter((a) => inBox(read, [a.event]).length > 0),
          truncated: false,
          partitions: 1,
        }),
    },
  });
});
afterAll(() => app.close());

async function get(url: string, accept?: string) {
  const res = await app.inject({
    method: "GET",
    url,
    headers: accept === undefined ? {} : { accept },
  });
  return {
    status: res.statusCode,
    type: res.headers["content-type"],
    vary: res.headers["vary"],
    text: res.body,
  };
}

const BOX = "bbox=2.3,48.8,2.4,48.9";

describe("GeoJSON answers over fake readers", () => {
  it.each([
    [`/v1/events?${BOX}`, "events"],
    [`/v1/anomalies?${BOX}`, "anomalies"],
    [`/v1/clusters?${BOX}&zoom=5`, "clusters"],
  ])(
    "%s answers a valid FeatureCollection with the JSON answer's items and fields",
    async (url, items) => {
      const json = await get(url);
      const geo = await get(`${url}&format=geojson`);
      expect(json.type).toMatch(/^application\/json/);
      expect(geo.status).toBe(200);
      expect(geo.type).toMatch(/^application\/geo\+json/);
      expect(geo.vary).toContain("Accept");
      const collection = check(geo.text);
      if (collection.type !== "FeatureCollection") throw new Error(`a ${collection.type}`);
      const body = JSON.parse(json.text) as Record<string, unknown>;
      const list = body[items] as Record<string, unknown>[];
      expect(list.length).toBeGreaterThan(0);
      expect(collection.features.map((f) => f.properties)).toEqual(list);
      const { [items]: _items, ...rest } = body;
      expect((JSON.parse(geo.text) as { metadata: unknown }).metadata).toEqual(rest);
    },
  );

  it("answers GeoJSON when Accept prefers it, JSON for wildcards, and format wins over Accept", async () => {
    const url = `/v1/events?${BOX}`;
    expect((await get(url, "application/geo+json")).type).toMatch(/geo\+json/);
    expect((await get(url, "application/json;q=0.5, application/geo+json")).type).toMatch(
      /geo\+json/,
    );
    expect((await get(url, "*/*")).type).toMatch(/^application\/json/);
    expect((await get(`${url}&format=json`, "application/geo+json")).type).toMatch(
      /^application\/json/,
    );
  });

  it("refuses an unknown format with the API's error answer", async () => {
    const res = await get(`/v1/events?${BOX}&format=kml`);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body["code"]).toBe("QUERY_INVALID");
    expect(body["message"]).toMatch(/^format: must be one of json, geojson/);
  });

  it("describes both media types of the three routes in /openapi.json", async () => {
    const doc = JSON.parse((await get("/openapi.json")).text) as {
      paths: Record<string, { get: { responses: { 200: { content: Record<string, unknown> } } } }>;
    };
    for (const path of ["/v1/events", "/v1/clusters", "/v1/anomalies"]) {
      expect(Object.keys(doc.paths[path]?.get.responses[200].content ?? {}).sort()).toEqual([
        "application/geo+json",
        "application/json",
      ]);
    }
  });
});
