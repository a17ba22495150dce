import ngeohash from "ngeohash";
import { expect, onTestFinished } from "vitest";
import { startQueryApp, type QueryApp } from "../../src/app/query-app.js";
import type { Config } from "../../src/config/load.js";
import { DEFAULT_FULL_LAYOUT as DEFAULT_LAYOUT } from "../../src/domain/sizing/layout.js";
import { createLogger } from "../../src/observability/logger.js";
import { createCassandraClient } from "../../src/cassandra/client.js";
import type { DetectorApp } from "../../src/app/detector-app.js";
import type { KafkaMessage } from "kafkajs";
import { produceAndAwaitChecks, produceEvents, startAlertingDetector } from "./detector.js";
import type { KnownEvent } from "./events.js";
import { waitFor } from "./wait.js";

/**
 * Drops the test's keyspace when the test ends. Register it before starting the detector:
 * end-of-test hooks run last-registered first, so the keyspace goes after everything using it.
 */
export function dropKeyspaceAfterTest(config: Config): void {
  onTestFinished(() => dropKeyspace(config));
}

/** Drops `config`'s keyspace now, connecting as `config`'s role (which must own it). */
export async function dropKeyspace(config: Config): Promise<void> {
  const client = createCassandraClient(config);
  try {
    await client.connect();
    await client.execute(`DROP KEYSPACE IF EXISTS ${config.cassandraKeyspace}`);
  } finally {
    await client.shutdown();
  }
}

/**
 * The whole stack a query-side test reads from: a detector on the test's own topics that has
 * checked `normals` (and alerted `spike`, when given), and the query API over the same servers.
 * The keyspace is dropped when the test ends.
 */
export async function startCheckedStack(
  config: Config,
  normals: readonly object[],
  spike?: object,
): Promise<{ detector: DetectorApp; alerts: KafkaMessage[]; api: QueryApp }> {
  dropKeyspaceAfterTest(config);
  const { detector, alerts } = await startAlertingDetector(config);
  await produceAndAwaitChecks(config, detector, normals);
  if (spike !== undefined) {
    await produceEvents(config, [spike]);
    await waitFor("the spike's alert", () => alerts.length >= 1);
  }
  const storedAt = Date.now();
  const api = await startTestQueryApp(config);
  // The map's zoomed-out clusters come from the summary: wait until it counts what was stored.
  await waitForSummary(api, storedAt);
  return { detector, alerts, api };
}

/** Starts the query API on a free port for this test, stopped when it finishes. */
export async function startTestQueryApp(config: Config): Promise<QueryApp> {
  const app = await startQueryApp(
    { ...config, apiPort: 0, apiHost: "127.0.0.1" },
    createLogger({ level: config.logLevel }),
  );
  onTestFinished(() => app.stop());
  return app;
}

/** GET a path of the API as JSON, with its status. */
export async function getJson<T = Record<string, unknown>>(
  app: QueryApp,
  path: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, app.url));
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * Stored lengths that make the cluster route roll up: every other length of the default layout
 * (its even lengths) plus the finest, so some zoom precisions are stored and others are not.
 */
export function rollupLengths(): string {
  const all = DEFAULT_LAYOUT.map((l) => l.length);
  const finest = Math.max(...all);
  return [...new Set([...all.filter((l) => l % 2 === 0), finest])].join(",");
}

/** A box as the API takes it: west, south, east, north (west > east crosses lon ±180). */
export type Bbox = readonly [number, number, number, number];

/** Brute force: inside a box, edges included, west > east wrapping across lon ±180. */
export function inBox(e: { lat: number; lon: number }, [west, south, east, north]: Bbox): boolean {
  if (e.lat < south || e.lat > north) return false;
  return west <= east ? e.lon >= west && e.lon <= east : e.lon >= west || e.lon <= east;
}

/** Brute force: whether the cell's bounds touch the box. */
export function cellTouchesBox(cell: string, [west, south, east, north]: Bbox): boolean {
  const [s, w, n, e] = ngeohash.decode_bbox(cell);
  if (n < south || s > north) return false;
  if (west <= east) return e >= west && w <= east;
  return e >= west || w <= east;
}

/** A /v1/clusters answer, as far as the tests read it. */
export interface ClustersBody {
  mode: string;
  precision: number;
  length: number;
  from: string;
  to: string;
  summaryAsOf: string | null;
  clusters: { geohash: string; count: number; lat: number; lon: number; anomalies: number }[];
}

/** Waits until the summary answers as of a time after `afterMs` (zoomed-out clusters lag a roll). */
export async function waitForSummary(api: QueryApp, afterMs: number): Promise<void> {
  await waitFor("the summary rolled past the stored events", async () => {
    const { body } = await getJson<ClustersBody>(api, "/v1/clusters?bbox=-180,-90,180,90&zoom=0");
    return body.summaryAsOf !== null && Date.parse(body.summaryAsOf) > afterMs;
  });
}

/**
 * Checks clusters against brute force over the known events: the cells of `precision` touching
 * `box` that hold known events, and per cell the count, the mean position and the anomalies
 * (`anomaliesIn` counts them the test's way). Fails when no known event lies in the box.
 */
export function expectClustersOf(
  clusters: ClustersBody["clusters"],
  known: readonly KnownEvent[],
  [box, precision]: readonly [Bbox, number],
  anomaliesIn: (cell: string, events: readonly KnownEvent[]) => number,
  what: string,
): void {
  const expected = new Map<string, KnownEvent[]>();
  for (const e of known) {
    const cell = ngeohash.encode(e.lat, e.lon, precision);
    if (cellTouchesBox(cell, box)) expected.set(cell, [...(expected.get(cell) ?? []), e]);
  }
  expect(expected.size, `${what} has known events`).toBeGreaterThan(0);
  expect(clusters.map((c) => c.geohash).sort(), what).toEqual([...expected.keys()].sort());
  for (const c of clusters) {
    const events = expected.get(c.geohash) ?? [];
    expect(c.count, `${what} ${c.geohash}`).toBe(events.length);
    expect(c.lat).toBeCloseTo(events.reduce((s, e) => s + e.lat, 0) / events.length, 9);
    expect(c.lon).toBeCloseTo(events.reduce((s, e) => s + e.lon, 0) / events.length, 9);
    expect(c.anomalies, `${what} ${c.geohash} anomalies`).toBe(anomaliesIn(c.geohash, events));
  }
}
