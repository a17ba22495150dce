import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";
import { precisionForZoom } from "../../src/domain/query/zoom.js";
import type { QueryApp } from "../../src/app/query-app.js";
import {
  collectTopic,
  createTestTopics,
  produceEvents,
  startTestDetector,
  testConfig,
} from "../support/detector.js";
import { counter, counterWith, waitFor } from "../support/wait.js";
import { eventsAt } from "../support/events.js";
import {
  cellTouchesBox,
  dropKeyspaceAfterTest,
  getJson,
  startTestQueryApp,
} from "../support/query.js";
import { eventsIn, type KnownEvent } from "../support/events.js";

type Bbox = readonly [number, number, number, number];

interface ClustersBody {
  mode: string;
  precision: number;
  length: number;
  from: string;
  to: string;
  summaryAsOf: string | null;
  clusters: { geohash: string; count: number; lat: number; lon: number; anomalies: number }[];
}

/** The zoomed-out views the summary serves: [box, zoom]. */
const VIEWS: [string, Bbox, number][] = [
  ["world", [-180, -90, 180, 90], 0],
  ["europe", [-10, 35, 30, 60], 3],
  ["europe", [-10, 35, 30, 60], 4],
  ["france", [-1, 45, 6, 50], 6],
  ["paris", [2.2, 48.8, 2.5, 48.95], 8],
  ["fiji across the antimeridian", [179, -18, -179, -16], 5],
];

/** Brute force: per cell of the zoom's precision touching the box, the known events and alerts. */
async function expectClustersExact(
  api: QueryApp,
  window: string,
  known: readonly KnownEvent[],
  alerted: ReadonlySet<string>,
  label: string,
): Promise<void> {
  for (const [name, box, zoom] of VIEWS) {
    const what = `${label}: ${name} zoom ${zoom}`;
    const { status, body } = await getJson<ClustersBody>(
      api,
      `/v1/clusters?bbox=${box.join(",")}&zoom=${zoom}&${window}`,
    );
    expect(status, what).toBe(200);
    const p = precisionForZoom(zoom);
    expect(body.mode, what).toBe("clusters");
    expect(body.summaryAsOf, what).not.toBeNull();
    const expected = new Map<string, KnownEvent[]>();
    for (const e of known) {
      const cell = ngeohash.encode(e.lat, e.lon, p);
      if (cellTouchesBox(cell, box)) expected.set(cell, [...(expected.get(cell) ?? []), e]);
    }
    expect(expected.size, `${what} has known events`).toBeGreaterThan(0);
    expect(body.clusters.map((c) => c.geohash).sort(), what).toEqual([...expected.keys()].sort());
    for (const c of body.clusters) {
      const events = expected.get(c.geohash) ?? [];
      expect(c.count, `${what} ${c.geohash}`).toBe(events.length);
      expect(c.lat).toBeCloseTo(events.reduce((s, e) => s + e.lat, 0) / events.length, 9);
      expect(c.lon).toBeCloseTo(events.reduce((s, e) => s + e.lon, 0) / events.length, 9);
      const anomalies = events.filter((e) => alerted.has(e.id)).length;
      expect(c.anomalies, `${what} ${c.geohash} anomalies`).toBe(anomalies);
    }
  }
}

/** Waits until the summary answers as of a time after `afterMs`. */
async function waitForSummary(api: QueryApp, afterMs: number): Promise<void> {
  await waitFor("the summary rolled past the stored events", async () => {
    const { body } = await getJson<ClustersBody>(api, "/v1/clusters?bbox=-180,-90,180,90&zoom=0");
    return body.summaryAsOf !== null && Date.parse(body.summaryAsOf) > afterMs;
  });
}

describe("the cluster summary against the real servers", () => {
  it("counts clusters exactly as brute force, after a crash before rolling and after re-consuming the same events", async () => {
    // Phase 1: a detector that stores and marks but does not roll again for 10 minutes.
    const config = testConfig({ summaryRollIntervalMs: "600000" });
    await createTestTopics(config);
    dropKeyspaceAfterTest(config);
    const alertMessages = await collectTopic(config, config.alertTopic);
    const first = await startTestDetector(config);
    await waitFor(
      "the first detector's first (empty) round",
      async () =>
        (await counterWith(first, "geoanomaly_summary_rounds_total", { result: "ok" })) >= 1,
    );

    const t0 = Date.now() - 12 * 60_000;
    const known: KnownEvent[] = [
      ...eventsAt("paris", 48.8566, 2.3522, 80, 20, t0),
      ...eventsIn("city", { south: 48.8, west: 2.25, north: 48.92, east: 2.45 }, 120, t0 + 1, 1),
      ...eventsIn("europe", { south: 36, west: -9, north: 59, east: 28 }, 80, t0 + 2, 2),
      ...eventsIn("fiji", { south: -17.8, west: 179.3, north: -16.2, east: -179.3 }, 70, t0 + 3, 3),
    ];
    const spike: KnownEvent = {
      id: "spike-1",
      lat: 48.85661,
      lon: 2.35221,
      value: 45,
      time: new Date(Date.now() - 30_000).toISOString(),
    };
    await produceEvents(config, known);
    await waitFor(
      `${known.length} events stored`,
      async () => (await counter(first, "geoanomaly_events_stored_total")) >= known.length,
    );
    await produceEvents(config, [spike]);
    known.push(spike);
    await waitFor("the spike's alert published", () =>
      alertMessages.some((m) => m.value?.toString().includes('"spike-1"') === true),
    );
    const alerted = new Set(
      alertMessages.map((m) => (JSON.parse(m.value?.toString() ?? "{}") as AnomalyAlert).event.id),
    );
    expect(alerted.has("spike-1")).toBe(true);

    const api = await startTestQueryApp(config);
    const window = `from=${t0 - 60_000}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    // Committed but not rolled: the summary does not count them yet.
    const before = await getJson<ClustersBody>(
      api,
      `/v1/clusters?bbox=-180,-90,180,90&zoom=0&${window}`,
    );
    expect(before.body.clusters).toEqual([]);
    // The detector stops (as after a crash, its touches are in Cassandra, not in its memory).
    await first.stop();

    // Phase 2: another detector of the same group has nothing to consume, and rolls the touches.
    const resumedAt = Date.now();
    const second = await startTestDetector({ ...config, summaryRollIntervalMs: 300 });
    await waitForSummary(api, resumedAt);
    await expectClustersExact(api, window, known, alerted, "after the resume");
    expect(await counter(second, "geoanomaly_summary_pairs_rolled_total")).toBeGreaterThan(0);
    await second.stop();

    // Phase 3: a new group re-consumes every event (and re-publishes the alert); nothing doubles.
    const third = await startTestDetector({
      ...config,
      groupId: `${config.groupId}.replay`,
      summaryRollIntervalMs: 300,
    });
    await waitFor(
      "the replay stored",
      async () => (await counter(third, "geoanomaly_events_stored_total")) >= known.length,
    );
    const replayedAt = Date.now();
    await waitForSummary(api, replayedAt);
    expect(await counter(third, "geoanomaly_summary_pairs_rolled_total")).toBeGreaterThan(0);
    await expectClustersExact(api, window, known, alerted, "after the replay");
  });
});
