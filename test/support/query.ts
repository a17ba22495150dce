import ngeohash from "ngeohash";
import { onTestFinished } from "vitest";
import { startQueryApp, type QueryApp } from "../../src/app/query-app.js";
import type { Config } from "../../src/config/load.js";
import { DEFAULT_FULL_LAYOUT as DEFAULT_LAYOUT } from "../../src/domain/sizing/layout.js";
import { createLogger } from "../../src/observability/logger.js";
import { createCassandraClient } from "../../src/cassandra/client.js";

/** A known event as produced to Kafka (time as ISO text). */
export interface KnownEvent {
  id: string;
  lat: number;
  lon: number;
  value: number;
  time: string;
}

/**
 * Drops the test's keyspace when the test ends. Register it before starting the detector:
 * end-of-test hooks run last-registered first, so the keyspace goes after everything using it.
 */
export function dropKeyspaceAfterTest(config: Config): void {
  onTestFinished(async () => {
    const client = createCassandraClient(config);
    try {
      await client.connect();
      await client.execute(`DROP KEYSPACE IF EXISTS ${config.cassandraKeyspace}`);
    } finally {
      await client.shutdown();
    }
  });
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

/** A deterministic pseudo-random sequence in [0, 1). */
export function sequence(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `count` events spread uniformly over a box (west > east wraps), values around 20. */
export function eventsIn(
  prefix: string,
  box: { south: number; west: number; north: number; east: number },
  count: number,
  startMs: number,
  seed: number,
): KnownEvent[] {
  const rnd = sequence(seed);
  const width = box.west <= box.east ? box.east - box.west : 360 - box.west + box.east;
  return Array.from({ length: count }, (_, i) => {
    let lon = box.west + rnd() * width;
    if (lon > 180) lon -= 360;
    return {
      id: `${prefix}-${String(i).padStart(4, "0")}`,
      lat: box.south + rnd() * (box.north - box.south),
      lon,
      value: 20 + (rnd() - 0.5) * 2,
      time: new Date(startMs + i * 97).toISOString(),
    };
  });
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
