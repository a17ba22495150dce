import ngeohash from "ngeohash";
import { onTestFinished } from "vitest";
import { startQueryApp, type QueryApp } from "../../src/app/query-app.js";
import type { Config } from "../../src/config/load.js";
import { DEFAULT_FULL_LAYOUT as DEFAULT_LAYOUT } from "../../src/domain/sizing/layout.js";
import { createLogger } from "../../src/observability/logger.js";
import { createCassandraClient } from "../../src/cassandra/client.js";
import type { DetectorApp } from "../../src/app/detector-app.js";
import type { KafkaMessage } from "kafkajs";
import { produceAndAwaitChecks, produceEvents, startAlertingDetector } from "./detector.js";
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
  const api = await startTestQueryApp(config);
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

/** Brute force: inside a box, edges included, west > east wrapping across lon ±180. */
export function inBox(
  e: { lat: number; lon: number },
  [west, south, east, north]: readonly [number, number, number, number],
): boolean {
  if (e.lat < south || e.lat > north) return false;
  return west <= east ? e.lon >= west && e.lon <= east : e.lon >= west || e.lon <= east;
}

/** Brute force: whether the cell's bounds touch the box. */
export function cellTouchesBox(
  cell: string,
  [west, south, east, north]: readonly [number, number, number, number],
): boolean {
  const [s, w, n, e] = ngeohash.decode_bbox(cell);
  if (n < south || s > north) return false;
  if (west <= east) return e >= west && w <= east;
  return e >= west || w <= east;
}
