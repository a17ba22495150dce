import { describe, expect, it } from "vitest";
import type { QueryApp } from "../../src/app/query-app.js";
import { precisionForZoom } from "../../src/domain/query/zoom.js";
import {
  produceAndAwaitStored,
  startAlertingDetector,
  startTestDetector,
  testConfig,
} from "../support/detector.js";
import { alertIds, eventsAroundTheWorld, oneEvent, type KnownEvent } from "../support/events.js";
import { counter, counterWith, waitFor, waitForCount } from "../support/wait.js";
import {
  dropKeyspaceAfterTest,
  expectClustersOf,
  getJson,
  startTestQueryApp,
  waitForSummary,
  type Bbox,
  type ClustersBody,
} from "../support/query.js";

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
  [label, sinceMs]: readonly [string, number],
): Promise<void> {
  for (const [name, box, zoom] of VIEWS) {
    const what = `${label}: ${name} zoom ${zoom}`;
    const path = `/v1/clusters?bbox=${box.join(",")}&zoom=${zoom}&${window}`;
    // An answer is exact as of its summaryAsOf (the API may answer from an older round while it
    // fetches a newer one): take the first answer of a round that started after `sinceMs`.
    let answer: Awaited<ReturnType<typeof getJson<ClustersBody>>> | undefined;
    await waitFor(`${what} answers as of a round after ${sinceMs}`, async () => {
      answer = await getJson<ClustersBody>(api, path);
      const asOf = answer.body.summaryAsOf;
      return asOf !== null && Date.parse(asOf) > sinceMs;
    });
    if (answer === undefined) throw new Error(`${what}: no answer`);
    const { status, body } = answer;
    expect(status, what).toBe(200);
    expect(body.mode, what).toBe("clusters");
    const alertedIn = (_cell: string, events: readonly KnownEvent[]): number =>
      events.filter((e) => alerted.has(e.id)).length;
    expectClustersOf(body.clusters, known, [box, precisionForZoom(zoom)], alertedIn, what);
  }
}

describe("the cluster summary against the real servers", () => {
  it("counts clusters exactly as brute force, after a crash before rolling and after re-consuming the same events", async () => {
    // Phase 1: a detector that stores and marks but does not roll again for 10 minutes.
    const config = testConfig({ summaryRollIntervalMs: "600000" });
    dropKeyspaceAfterTest(config);
    const { detector: first, alerts: alertMessages } = await startAlertingDetector(config);
    await waitFor(
      "the first detector's first (empty) round",
      async () =>
        (await counterWith(first, "geoanomaly_summary_rounds_total", { result: "ok" })) >= 1,
    );

    const t0 = Date.now() - 12 * 60_000;
    const known = eventsAroundTheWorld(t0);
    const spike = oneEvent("spike-1", [48.85661, 2.35221], 45, Date.now() - 30_000);
    await produceAndAwaitStored(config, first, known);
    await produceAndAwaitStored(config, first, [spike], known.length + 1);
    known.push(spike);
    await waitFor("the spike's alert published", () => alertIds(alertMessages).includes("spike-1"));
    const alerted = new Set(alertIds(alertMessages));
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
    await expectClustersExact(api, window, known, alerted, ["after the resume", resumedAt]);
    expect(await counter(second, "geoanomaly_summary_pairs_rolled_total")).toBeGreaterThan(0);
    await second.stop();

    // Phase 3: a new group re-consumes every event (and re-publishes the alert); nothing doubles.
    const third = await startTestDetector({
      ...config,
      groupId: `${config.groupId}.replay`,
      summaryRollIntervalMs: 300,
    });
    await waitForCount(third, "geoanomaly_events_stored_total", known.length);
    const replayedAt = Date.now();
    await waitForSummary(api, replayedAt);
    expect(await counter(third, "geoanomaly_summary_pairs_rolled_total")).toBeGreaterThan(0);
    await expectClustersExact(api, window, known, alerted, ["after the replay", replayedAt]);
  });
});
