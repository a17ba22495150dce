/**
 * An in-process API server over fakes at the query ports, for unit tests: Fastify inject, no
 * Cassandra. The fakes answer as the real readers would and record what they were asked.
 */
import type { FastifyInstance } from "fastify";
import { onTestFinished } from "vitest";
import { buildApiServer, type ApiGuard, type ApiOptions } from "../../../src/api/server.js";
import { encode } from "../../../src/domain/geo/geo.js";
import { defaultLayout } from "../../../src/domain/sizing/layout.js";
import type { LevelLayout } from "../../../src/domain/sizing/levels.js";
import { createLogger } from "../../../src/observability/logger.js";
import type { NearEvaluator } from "../../../src/query/near.js";
import type { AlertReader, EventReader, SummaryReader } from "../../../src/query/ports.js";

export const NOW = Date.UTC(2026, 10, 21, 12);

export const OPEN_GUARD: ApiGuard = {
  maxRows: 200_000,
  requestTimeoutMs: 10_000,
  maxConcurrent: 8,
  tokens: undefined,
  corsOrigins: [],
};

const noAlerts: AlertReader = {
  newestInBox: () => Promise.resolve({ rows: [], truncated: false, partitions: 0 }),
};

const noEvents: EventReader = {
  newestInBox: () => Promise.resolve({ rows: [], truncated: false, partitions: 0 }),
  cellSums: () => Promise.resolve([]),
};

const noSummary: SummaryReader = {
  read: () => Promise.resolve({ rows: [], asOf: undefined }),
  asOf: () => Promise.resolve(undefined),
};

/** A summary of one row in the read's newest slot at (lat, lon): two events, one an anomaly. */
export function oneRowSummary(lat: number, lon: number): SummaryReader {
  const asOf = NOW - 5000;
  return {
    read: (read) =>
      Promise.resolve({
        rows: [
          {
            cell: encode(lat, lon, read.length),
            slot: read.toSlot,
            count: 2,
            sumLat: 2 * lat,
            sumLon: 2 * lon,
            anomalies: 1,
          },
        ],
        asOf,
      }),
    asOf: () => Promise.resolve(asOf),
  };
}

export interface FixtureOptions {
  readonly layout?: LevelLayout;
  readonly events?: EventReader;
  readonly alerts?: AlertReader;
  readonly summary?: SummaryReader;
  readonly near?: ApiOptions["near"];
  readonly guard?: Partial<ApiGuard>;
  readonly maxPartitions?: number;
  readonly tileUrl?: string;
  readonly stream?: ApiOptions["stream"];
}

/** Builds the API over fakes; closed when the test (or, in beforeAll, the file) ends. */
export async function apiOverFakes(opts: FixtureOptions = {}): Promise<FastifyInstance> {
  const layout = opts.layout ?? defaultLayout([2, 3, 4, 5, 6, 7, 8]);
  const maxPartitions = opts.maxPartitions ?? 12_000;
  return buildApiServer({
    ctx: {
      layout,
      events: opts.events ?? noEvents,
      alerts: opts.alerts ?? noAlerts,
      summary: opts.summary ?? noSummary,
      // The coarsest searched length of the default layouts.
      summarySource: layout.find((l) => l.length === 4) ?? (layout.at(-1) as LevelLayout[number]),
      maxPartitions,
      now: () => NOW,
    },
    near: opts.near ?? (() => Promise.reject(new Error("near is not used here"))),
    defaultK: 50,
    nearLimits: {
      layout: layout.filter((l) => l.length >= 4),
      maxReads: 5,
      maxCellsPerRead: 64,
      rowsPerPartition: 250,
      maxDistanceMeters: 25_000,
    },
    page: {
      tileUrl: opts.tileUrl ?? "",
      storedLengths: layout.map((l) => l.length),
      maxPartitions,
    },
    guard: { ...OPEN_GUARD, ...opts.guard },
    ...(opts.stream === undefined ? {} : { stream: opts.stream }),
    logger: createLogger({ level: "silent" }),
  });
}

/** The same, closed when the current test ends. */
export async function apiForTest(opts: FixtureOptions = {}): Promise<FastifyInstance> {
  const app = await apiOverFakes(opts);
  onTestFinished(() => app.close());
  return app;
}

/** What a fake near search varies: its one neighbour and the figures of its search. */
interface OneNeighbourFigures {
  readonly neighbour: { id: string; value: number; timeMs: number; distanceMeters: number };
  readonly search: {
    stopLength: number;
    windowFromMs: number;
    windowToMs: number;
    reads: number;
    rowsRead: number;
    partitionsRead: number;
  };
}

/**
 * A near search that finds one neighbour at the point and says insufficient ("sparse", threshold
 * k), bounded at 25 km: enough for the services and routes, which pass the answer on.
 */
export function oneNeighbourNear(
  figures: (point: Parameters<NearEvaluator>[0]) => OneNeighbourFigures,
): NearEvaluator {
  return (point, k) => {
    const { neighbour, search } = figures(point);
    return Promise.resolve({
      search: {
        neighbours: [{ ...neighbour, lat: point.lat, lon: point.lon }],
        outcome: "bounded",
        coveredRadiusMeters: 25_000,
        maxDistanceMeters: 25_000,
        windowCut: false,
        ...search,
      },
      verdict: {
        kind: "insufficient",
        reason: "sparse",
        scorer: "local",
        neighbourCount: 1,
        threshold: k,
      },
    } as Awaited<ReturnType<NearEvaluator>>);
  };
}
