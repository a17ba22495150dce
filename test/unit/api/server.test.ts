import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TimeWindow } from "../../../src/domain/query/query-window.js";
import { defaultLayout } from "../../../src/domain/sizing/layout.js";
import { encode } from "../../../src/domain/geo/geo.js";
import type { BoxRead, StoredEvent } from "../../../src/query/ports.js";
import { apiOverFakes, NOW, oneRowSummary } from "./fixture.js";

const stored: StoredEvent[] = [
  { id: "a", lat: 48.85, lon: 2.35, value: 1, timeMs: NOW - 60_000 },
  { id: "b", lat: 48.86, lon: 2.36, value: 2, timeMs: NOW - 30_000 },
  { id: "far", lat: 10, lon: 10, value: 3, timeMs: NOW - 10_000 },
];
const reads: { length: number; read: BoxRead }[] = [];

/** A fake reader at the port: filters the stored list as the Cassandra reader would. */
const events = {
  newestInBox(length: number, read: BoxRead) {
    reads.push({ length, read });
    const inBox = stored
      .filter(
        (e) =>
          e.lat >= read.box.south &&
          e.lat <= read.box.north &&
          e.lon >= read.box.west &&
          e.lon <= read.box.east,
      )
      .filter((e) => e.timeMs >= read.window.fromMs && e.timeMs <= read.window.toMs)
      .sort((x, y) => y.timeMs - x.timeMs);
    return Promise.resolve({
      rows: inBox.slice(0, read.limit),
      truncated: inBox.length > read.limit,
      partitions: read.cells.length,
    });
  },
  cellSums(_l: number, cells: readonly string[], _b: readonly number[], _w: TimeWindow) {
    return Promise.resolve(
      cells.slice(0, 1).map((cell) => ({ cell, count: 2, sumLat: 97.7, sumLon: 4.7 })),
    );
  },
};

/** One summary row of the read's length at (48.5, 2.5), two events and an anomaly. */
const summary = oneRowSummary(48.5, 2.5);

let app: FastifyInstance;
beforeAll(async () => {
  app = await apiOverFakes({
    layout: defaultLayout([4, 5, 6, 7, 8]),
    events,
    summary,
    maxPartitions: 8192,
  });
});
afterAll(() => app.close());

async function get(url: string) {
  const res = await app.inject({ method: "GET", url });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

describe("query API over fake readers", () => {
  it("answers events in the box, newest first, with the length and the window served", async () => {
    const { status, body } = await get(
      `/v1/events?bbox=2.3,48.8,2.4,48.9&from=${NOW - 3_600_000}&to=${NOW}`,
    );
    expect(status).toBe(200);
    expect((body["events"] as { id: string }[]).map((e) => e.id)).toEqual(["b", "a"]);
    expect(body).toMatchObject({
      truncated: false,
      from: new Date(NOW - 3_600_000).toISOString(),
      to: new Date(NOW).toISOString(),
    });
    expect(typeof body["length"]).toBe("number");
  });

  it("defaults the window to the hour before now and takes ISO-8601 times", async () => {
    await get("/v1/events?bbox=2.3,48.8,2.4,48.9&limit=1");
    const last = reads.at(-1);
    expect(last?.read.window).toEqual({ fromMs: NOW - 3_600_000, toMs: NOW });
    expect(last?.read.limit).toBe(1);
    const iso = await get(
      "/v1/events?bbox=2.3,48.8,2.4,48.9&from=2026-11-21T11:30:00Z&to=2026-11-21T12:00:00.000%2B00:00",
    );
    expect(iso.body["from"]).toBe("2026-11-21T11:30:00.000Z");
  });

  it.each([
    ["/v1/events", /^bbox: is required/],
    ["/v1/events?bbox=1,2,3", /^bbox: must be minLon,minLat,maxLon,maxLat/],
    ["/v1/events?bbox=0,10,1,5", /^bbox: minLat 10 is above maxLat 5/],
    ["/v1/events?bbox=0,0,181,1", /^bbox: longitudes must be in \[-180, 180\]/],
    ["/v1/events?bbox=0,0,1,1&limit=0", /^limit: must be a whole number in 1\.\.10000/],
    ["/v1/events?bbox=0,0,1,1&from=yesterday", /^from: must be an ISO-8601 date-time/],
    ["/v1/events?bbox=0,0,1,1&from=2000&to=1000", /^from: must not be after 'to'/],
    ["/v1/clusters?bbox=0,0,1,1&zoom=21", /^zoom: must be a whole number in 0\.\.20/],
    ["/v1/clusters?bbox=0,0,1,1", /^zoom: is required/],
    ["/v1/near?lat=91&lon=0", /^lat: must be a number in \[-90, 90\]/],
    ["/v1/near?lon=0", /^lat: is required/],
  ])("answers %s with a 400 naming the parameter and the rule", async (url, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body["code"]).toBe("QUERY_INVALID");
    expect(body["message"]).toMatch(message);
  });

  it("refuses a request too large for the partition budget with how to narrow it", async () => {
    const { status, body } = await get(
      `/v1/events?bbox=-180,-90,180,90&from=${NOW - 86_400_000}&to=${NOW}`,
    );
    expect(status).toBe(400);
    expect(body["code"]).toBe("QUERY_TOO_LARGE");
    expect(body["message"]).toMatch(/Narrow the box/);
  });

  it("answers clusters of a zoomed-out map from the summary, with how current it is", async () => {
    const { status, body } = await get("/v1/clusters?bbox=2,48,3,49&zoom=5");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      mode: "clusters",
      precision: 3,
      length: 3,
      summaryAsOf: new Date(NOW - 5000).toISOString(),
    });
    const clusters = body["clusters"] as { geohash: string; count: number; anomalies: number }[];
    expect(clusters).toEqual([
      { geohash: encode(48.5, 2.5, 3), count: 2, lat: 48.5, lon: 2.5, anomalies: 1 },
    ]);
  });

  it("answers clusters finer than the summary rolled up from the next finer stored length", async () => {
    const { status, body } = await get("/v1/clusters?bbox=2.3,48.8,2.4,48.9&zoom=12");
    expect(status).toBe(200);
    expect(body).toMatchObject({ mode: "clusters", precision: 6, length: 6 });
    expect(body["summaryAsOf"]).toBeUndefined();
    const clusters = body["clusters"] as { geohash: string; count: number }[];
    expect(clusters).toHaveLength(1);
    expect(clusters[0]?.geohash).toHaveLength(6);
  });

  it("describes every route in /openapi.json", async () => {
    const { status, body } = await get("/openapi.json");
    expect(status).toBe(200);
    const paths = body["paths"] as Record<string, { get: { parameters: { name: string }[] } }>;
    expect(Object.keys(paths).sort()).toEqual([
      "/v1/anomalies",
      "/v1/clusters",
      "/v1/events",
      "/v1/near",
    ]);
    expect(paths["/v1/clusters"]?.get.parameters.map((p) => p.name).sort()).toEqual([
      "bbox",
      "format",
      "from",
      "limit",
      "to",
      "zoom",
    ]);
  });

  it("serves the page, its config and Leaflet from the package", async () => {
    const page = await app.inject({ method: "GET", url: "/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("/assets/leaflet/leaflet.js");
    expect(page.body).not.toMatch(/https?:\/\/(unpkg|cdn)/);
    expect(
      (await app.inject({ method: "GET", url: "/assets/leaflet/leaflet.js" })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: "GET", url: "/assets/world-atlas/countries-50m.json" }))
        .statusCode,
    ).toBe(200);
    expect((await get("/config.json")).body).toMatchObject({
      tileUrl: "",
      storedLengths: [8, 7, 6, 5, 4],
    });
  });
});
