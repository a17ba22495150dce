import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";
import { precisionForZoom } from "../../src/domain/query/zoom.js";
import { REPO_ROOT } from "../../src/servers/paths.js";
import {
  produceAndAwaitStored,
  produceEvents,
  startAlertingDetector,
  startOwnDetector,
  testConfig,
} from "../support/detector.js";
import { waitFor } from "../support/wait.js";
import { alertIds, eventsAroundTheWorld, eventsIn, oneEvent } from "../support/events.js";
import {
  dropKeyspaceAfterTest,
  expectClustersOf,
  getJson,
  inBox,
  rollupLengths,
  startTestQueryApp,
  waitForSummary,
  type Bbox,
  type ClustersBody,
} from "../support/query.js";

const BOXES: Record<string, Bbox> = {
  city: [2.3, 48.82, 2.4, 48.9],
  region: [-1, 45, 6, 50],
  continent: [-10, 35, 30, 60],
  antimeridian: [179.5, -18, -179.5, -16],
  pole: [-180, 88.5, 180, 90],
  "pole across the antimeridian": [170, 89, -170, 90],
};

interface EventsBody {
  length: number;
  from: string;
  to: string;
  events: { id: string; lat: number; lon: number; value: number; time: string }[];
  truncated: boolean;
}

describe("query API against the real servers, with events stored through the detector", () => {
  it("answers events, clusters, anomalies and near exactly as brute force over the known events", async () => {
    const config = testConfig({
      geohashLengths: rollupLengths(),
      apiMaxPartitions: "200000",
      summaryRollIntervalMs: "300",
    });
    dropKeyspaceAfterTest(config);
    const { detector, alerts: alertMessages } = await startAlertingDetector(config);

    const t0 = Date.now() - 8 * 60_000;
    const known = [
      ...eventsAroundTheWorld(t0),
      ...eventsIn("pole", { south: 88.7, west: -180, north: 89.999, east: 180 }, 50, t0 + 4, 4),
    ];
    await produceAndAwaitStored(config, detector, known);
    const spike = oneEvent("spike-1", [48.85661, 2.35221], 45, Date.now() - 30_000);
    const spikeAlerts = (): number =>
      alertIds(alertMessages).filter((id) => id === "spike-1").length;
    await produceAndAwaitStored(config, detector, [spike], known.length + 1);
    known.push(spike);
    await waitFor("the spike's alert published", () => spikeAlerts() >= 1);
    // The same event again (a replay): published twice, archived once (idempotent by event id).
    await produceEvents(config, [spike]);
    await waitFor("the replayed spike's alert published", () => spikeAlerts() >= 2);
    const published = alertMessages.map(
      (m) => JSON.parse(m.value?.toString() ?? "{}") as AnomalyAlert,
    );

    const storedAt = Date.now();
    const api = await startTestQueryApp(config);
    // Zoomed-out clusters come from the summary, which lags the stored events by a roll.
    await waitForSummary(api, storedAt);
    const from = t0 - 60_000;
    const to = Date.now() + 60_000;
    const window = `from=${from}&to=${new Date(to).toISOString()}`;

    // /v1/events equals brute force for every box, including the antimeridian and the poles.
    for (const [name, box] of Object.entries(BOXES)) {
      const { status, body } = await getJson<EventsBody>(
        api,
        `/v1/events?bbox=${box.join(",")}&${window}&limit=10000`,
      );
      expect(status, name).toBe(200);
      const expected = known
        .filter((e) => inBox(e, box))
        .map((e) => e.id)
        .sort();
      expect(expected.length, `${name} has known events`).toBeGreaterThan(0);
      expect(body.events.map((e) => e.id).sort(), name).toEqual(expected);
      expect(body.truncated, name).toBe(false);
      expect(body.from, name).toBe(new Date(from).toISOString());
      expect(config.geohashLengths, name).toContain(body.length);
      const byId = new Map(known.map((e) => [e.id, e]));
      for (const e of body.events) {
        expect(e.lat).toBe(byId.get(e.id)?.lat);
        expect(Date.parse(e.time)).toBe(Date.parse(byId.get(e.id)?.time ?? ""));
      }
    }

    // A limit answers the newest events and says more exist.
    const newest = known
      .filter((e) => inBox(e, BOXES.city as Bbox))
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || (a.id < b.id ? -1 : 1))
      .slice(0, 7)
      .map((e) => e.id);
    const limited = await getJson<EventsBody>(
      api,
      `/v1/events?bbox=${BOXES.city?.join(",")}&${window}&limit=7`,
    );
    expect(limited.body.events.map((e) => e.id)).toEqual(newest);
    expect(limited.body.truncated).toBe(true);

    // /v1/clusters counts and mean positions equal brute force per cell, stored or rolled up.
    const cases: [string, number][] = [
      ["continent", 3],
      ["continent", 4],
      ["region", 6],
      ["city", 9],
      ["city", 11],
      ["city", 14],
      ["antimeridian", 6],
      ["pole across the antimeridian", 5],
    ];
    const rolledUp = new Set<number>();
    for (const [name, zoom] of cases) {
      const box = BOXES[name] as Bbox;
      const { status, body } = await getJson<ClustersBody>(
        api,
        `/v1/clusters?bbox=${box.join(",")}&zoom=${zoom}&${window}`,
      );
      expect(status, `${name} zoom ${zoom}`).toBe(200);
      const p = precisionForZoom(zoom);
      expect(body.precision).toBe(p);
      if (body.length > p) rolledUp.add(p);
      const alertedIn = (cell: string): number =>
        new Set(
          published
            .filter((a) => ngeohash.encode(a.event.lat, a.event.lon, p) === cell)
            .map((a) => a.event.id),
        ).size;
      expectClustersOf(body.clusters, known, [box, p], alertedIn, `${name} zoom ${zoom}`);
    }
    expect(rolledUp.size, "some zooms were rolled up from a finer stored length").toBeGreaterThan(
      0,
    );

    // Past the cluster zooms the map gets the individual events.
    const street = await getJson<ClustersBody & EventsBody>(
      api,
      `/v1/clusters?bbox=2.35,48.855,2.36,48.86&zoom=18&${window}`,
    );
    expect(street.body.mode).toBe("events");
    expect(street.body.events.map((e) => e.id).sort()).toEqual(
      known
        .filter((e) => inBox(e, [2.35, 48.855, 2.36, 48.86]))
        .map((e) => e.id)
        .sort(),
    );

    // /v1/anomalies returns the injected anomaly as the alert schema's object, as published.
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats.default(ajv);
    const validate = ajv.compile(
      JSON.parse(
        readFileSync(path.join(REPO_ROOT, "schema", "anomaly-alert.v2.schema.json"), "utf8"),
      ) as object,
    );
    const anomalies = await getJson<{
      anomalies: AnomalyAlert[];
      truncated: boolean;
      length: number;
    }>(api, `/v1/anomalies?bbox=${BOXES.region?.join(",")}&${window}`);
    expect(anomalies.status).toBe(200);
    const ids = anomalies.body.anomalies.map((a) => a.event.id);
    expect(ids.filter((id) => id === "spike-1")).toHaveLength(1);
    expect(new Set(ids)).toEqual(
      new Set(published.filter((a) => inBox(a.event, BOXES.region as Bbox)).map((a) => a.event.id)),
    );
    for (const a of anomalies.body.anomalies)
      expect(validate(a), JSON.stringify(validate.errors)).toBe(true);
    const times = anomalies.body.anomalies.map((a) => Date.parse(a.event.time));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    const spikeAlert = anomalies.body.anomalies.find((a) => a.event.id === "spike-1");
    expect(spikeAlert?.direction).toBe("high");
    expect(spikeAlert?.event.value).toBe(45);

    // /v1/near answers what `geoanomaly near` prints, as JSON.
    const near = await getJson<{
      neighbours: { distanceMeters: number }[];
      search: { stopLength: number; outcome: string; maxDistanceMeters: number };
    }>(api, "/v1/near?lat=48.8566&lon=2.3522&k=10&value=45");
    expect(near.status).toBe(200);
    expect(near.body.neighbours).toHaveLength(10);
    const d = near.body.neighbours.map((n) => n.distanceMeters);
    expect(d).toEqual([...d].sort((x, y) => x - y));
    expect(config.geohashLengths).toContain(near.body.search.stopLength);
    expect(near.body.search.outcome).toBe("complete");
    expect(near.body.search.maxDistanceMeters).toBe(config.maxNeighbourDistanceM);
  });

  it("answers bad parameters and queries too large to serve with 400s saying what to change", async () => {
    const config = testConfig({ apiMaxPartitions: "50" });
    dropKeyspaceAfterTest(config);
    await startOwnDetector(config);
    const api = await startTestQueryApp(config);
    const cases: [string, string, RegExp][] = [
      ["/v1/events?bbox=2,48", "QUERY_INVALID", /^bbox: must be minLon,minLat,maxLon,maxLat/],
      ["/v1/events?bbox=2,48,3,49&limit=-5", "QUERY_INVALID", /^limit: must be a whole number/],
      ["/v1/anomalies?bbox=2,48,3,49&to=soon", "QUERY_INVALID", /^to: must be an ISO-8601/],
      [
        "/v1/clusters?bbox=2,48,3,49&zoom=zoomed",
        "QUERY_INVALID",
        /^zoom: must be a whole number in 0\.\.20/,
      ],
      ["/v1/near?lat=10&lon=200", "QUERY_INVALID", /^lon: must be a number in \[-180, 180\]/],
      [
        "/v1/clusters?bbox=-180,-90,180,90&zoom=6",
        "QUERY_TOO_LARGE",
        /Zoom in, narrow the box or shorten the window/,
      ],
      ["/v1/events?bbox=-180,-85,180,85&from=0", "QUERY_TOO_LARGE", /Narrow the box/],
    ];
    for (const [url, code, message] of cases) {
      const { status, body } = await getJson<{ code: string; message: string }>(api, url);
      expect(status, url).toBe(400);
      expect(body.code, url).toBe(code);
      expect(body.message, url).toMatch(message);
    }
  });
});
