/**
 * The query services as plain functions of their context: fake readers at the query ports record
 * what they are asked and answer rows, so each service is held to what it reads and answers.
 */
import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../../src/domain/detect/alert.js";
import {
  ALERT_REGION_LENGTH,
  ALERT_TTL_SECONDS,
} from "../../../src/domain/detect/alert-archive.js";
import type { Box } from "../../../src/domain/geo/cover.js";
import { encode } from "../../../src/domain/geo/geo.js";
import { MAX_CLUSTER_ZOOM } from "../../../src/domain/query/zoom.js";
import { defaultLayout } from "../../../src/domain/sizing/layout.js";
import { queryAnomalies } from "../../../src/query/anomalies-query.js";
import { RequestBudget } from "../../../src/query/budget.js";
import { queryClusters } from "../../../src/query/clusters-query.js";
import type { QueryContext } from "../../../src/query/context.js";
import { queryEvents } from "../../../src/query/events-query.js";
import { checkNearCost, queryNear, type NearEvaluator } from "../../../src/query/near.js";
import type {
  AlertReader,
  BoxRead,
  EventReader,
  ReadBudget,
  StoredEvent,
  SummaryReader,
} from "../../../src/query/ports.js";
import type { SummaryRead } from "../../../src/domain/query/summary.js";
import type { CellSums } from "../../../src/domain/query/rollup.js";
import { oneNeighbourNear } from "../api/fixture.js";

const NOW = Date.UTC(2026, 10, 21, 12);
const HOUR = 3_600_000;
const LAYOUT = defaultLayout([8, 7, 6, 5, 4, 3, 2]);
const PARIS: Box = { south: 48.85, west: 2.33, north: 48.87, east: 2.36 };
const WINDOW = { fromMs: NOW - HOUR, toMs: NOW };

const budget = (maxRows = 100_000): ReadBudget =>
  new RequestBudget({ maxRows, timeoutMs: 10_000 }, undefined, () => NOW);

interface Asked {
  events: { length: number; read: BoxRead }[];
  sums: { length: number; cells: readonly string[]; buckets: readonly number[] }[];
  alerts: BoxRead[];
  summary: SummaryRead[];
}

function context(
  rows: StoredEvent[] = [],
  alerts: AnomalyAlert[] = [],
  sums: CellSums[] = [],
  maxPartitions = 12_000,
): { ctx: QueryContext; asked: Asked } {
  const asked: Asked = { events: [], sums: [], alerts: [], summary: [] };
  const events: EventReader = {
    newestInBox: (length, read) => {
      asked.events.push({ length, read });
      read.budget.spend(rows.length);
      return Promise.resolve({ rows, truncated: false, partitions: 3 });
    },
    cellSums: (length, cells, buckets) => {
      asked.sums.push({ length, cells, buckets });
      return Promise.resolve(sums);
    },
  };
  const alertReader: AlertReader = {
    newestInBox: (read) => {
      asked.alerts.push(read);
      return Promise.resolve({ rows: alerts, truncated: false, partitions: 1 });
    },
  };
  const summary: SummaryReader = {
    read: (read) => {
      asked.summary.push(read);
      return Promise.resolve({ rows: [], asOf: undefined });
    },
    asOf: () => Promise.resolve(undefined),
  };
  const summarySource = LAYOUT.find((l) => l.length === 4) ?? LAYOUT[0];
  if (summarySource === undefined) throw new Error("no level 4");
  return {
    ctx: {
      layout: LAYOUT,
      events,
      alerts: alertReader,
      summary,
      summarySource,
      maxPartitions,
      now: () => NOW,
    },
    asked,
  };
}

/** The cell's bounds lie inside the box. */
function within(hash: string, box: Box): boolean {
  const [s, w, n, e] = ngeohash.decode_bbox(hash);
  return s >= box.south && w >= box.west && n <= box.north && e <= box.east;
}

function alertAt(id: string, lat: number, lon: number): AnomalyAlert {
  return {
    event: { id, lat, lon, time: new Date(NOW - 60_000).toISOString(), value: 1 },
  } as AnomalyAlert;
}

describe("events in a box", () => {
  it("reads one stored length's cells of the box, newest buckets first, and answers the rows with ISO times", async () => {
    const row: StoredEvent = { id: "e1", lat: 48.86, lon: 2.35, value: 3, timeMs: NOW - 1000 };
    const { ctx, asked } = context([row]);
    const answer = await queryEvents(ctx, {
      box: PARIS,
      window: WINDOW,
      limit: 10,
      budget: budget(),
    });

    expect(asked.events).toHaveLength(1);
    const { length, read } = asked.events[0] ?? { length: 0, read: undefined };
    expect(answer.length).toBe(length);
    expect(LAYOUT.map((l) => l.length)).toContain(length);
    expect(read?.cells.length).toBeGreaterThan(0);
    for (const cell of read?.cells ?? []) {
      expect(cell.hash).toHaveLength(length);
      expect(cell.inside).toBe(within(cell.hash, PARIS));
    }
    const buckets = read?.buckets ?? [];
    expect([...buckets].sort((a, b) => b - a)).toEqual(buckets);
    expect(read?.limit).toBe(10);
    expect(answer.events).toEqual([
      { id: "e1", lat: 48.86, lon: 2.35, value: 3, time: new Date(NOW - 1000).toISOString() },
    ]);
    expect(answer).toMatchObject({ truncated: false, partitions: 3, rowsRead: 1 });
    expect(answer.to).toBe(new Date(NOW).toISOString());
  });

  it("refuses a box over the partition limit before reading anything", async () => {
    const { ctx, asked } = context([], [], [], 2);
    const world: Box = { south: -80, west: -170, north: 80, east: 170 };
    await expect(
      queryEvents(ctx, { box: world, window: WINDOW, limit: 10, budget: budget() }),
    ).rejects.toMatchObject({ code: "QUERY_TOO_LARGE" });
    expect(asked.events).toEqual([]);
  });

  it("refuses when the box's cells alone would spend more rows than the request may read", async () => {
    const { ctx, asked } = context();
    await expect(
      queryEvents(ctx, { box: PARIS, window: WINDOW, limit: 10, budget: budget(1) }),
    ).rejects.toMatchObject({ code: "QUERY_TOO_LARGE" });
    expect(asked.events).toEqual([]);
  });

  it("refuses a window that ends before anything stored is kept", async () => {
    const { ctx } = context();
    const old = { fromMs: NOW - 400 * 86_400_000, toMs: NOW - 399 * 86_400_000 };
    await expect(
      queryEvents(ctx, { box: PARIS, window: old, limit: 10, budget: budget() }),
    ).rejects.toMatchObject({ code: "QUERY_INVALID" });
  });
});

describe("anomalies in a box", () => {
  it("reads the archive's regions over the window clipped to its TTL and answers the alerts", async () => {
    const alerts = [alertAt("a1", 48.86, 2.35)];
    const { ctx, asked } = context([], alerts);
    const window = { fromMs: NOW - 30 * 86_400_000, toMs: NOW };
    const answer = await queryAnomalies(ctx, { box: PARIS, window, limit: 5, budget: budget() });

    expect(answer.length).toBe(ALERT_REGION_LENGTH);
    expect(answer.anomalies).toEqual(alerts);
    expect(answer.from).toBe(new Date(NOW - ALERT_TTL_SECONDS * 1000).toISOString());
    const read = asked.alerts[0];
    expect(read?.cells.map((c) => c.hash)).toEqual([encode(48.86, 2.35, ALERT_REGION_LENGTH)]);
    expect(read?.window.fromMs).toBe(NOW - ALERT_TTL_SECONDS * 1000);
    expect(read?.limit).toBe(5);
  });

  it("refuses a window wholly older than the archive keeps, and one over the partition limit", async () => {
    const { ctx, asked } = context();
    const old = { fromMs: NOW - 20 * 86_400_000, toMs: NOW - 10 * 86_400_000 };
    await expect(
      queryAnomalies(ctx, { box: PARIS, window: old, limit: 5, budget: budget() }),
    ).rejects.toMatchObject({ code: "QUERY_INVALID" });
    const tight = context([], [], [], 3).ctx;
    await expect(
      queryAnomalies(tight, {
        box: PARIS,
        window: { fromMs: NOW - 5 * 86_400_000, toMs: NOW },
        limit: 5,
        budget: budget(),
      }),
    ).rejects.toMatchObject({ code: "QUERY_TOO_LARGE" });
    expect(asked.alerts).toEqual([]);
  });
});

describe("clusters for a map zoom", () => {
  it("rolls a finer stored length's sums up into the zoom's cells and counts the anomalies in each", async () => {
    const layout = defaultLayout([8, 6, 4, 3]);
    const cell = encode(48.86, 2.35, 5);
    const sums: CellSums[] = [
      { cell: `${cell}0`, count: 2, sumLat: 2 * 48.86, sumLon: 2 * 2.35 },
      { cell: `${cell}1`, count: 2, sumLat: 2 * 48.862, sumLon: 2 * 2.352 },
    ];
    const base = context([], [alertAt("a1", 48.86, 2.35)], sums);
    const ctx = { ...base.ctx, layout };
    const zoom = 9; // precision 5: not stored, so rolled up from length 6
    const answer = await queryClusters(ctx, {
      box: PARIS,
      zoom,
      window: WINDOW,
      limit: 10,
      budget: budget(),
    });

    expect(answer.mode).toBe("clusters");
    expect(answer).toMatchObject({ precision: 5, length: 6 });
    const asked = base.asked.sums[0];
    expect(asked?.length).toBe(6);
    expect(asked?.cells.every((c) => c.length === 6)).toBe(true);
    expect(asked?.cells).toContain(`${cell}0`);
    expect(answer.clusters).toHaveLength(1);
    const [cluster] = answer.clusters;
    expect(cluster).toMatchObject({ geohash: cell, count: 4, anomalies: 1 });
    expect(cluster?.lat).toBeCloseTo(48.861, 9);
    expect(cluster?.lon).toBeCloseTo(2.351, 9);
  });

  it("answers the individual events past the cluster zooms", async () => {
    const row: StoredEvent = { id: "e1", lat: 48.86, lon: 2.35, value: 3, timeMs: NOW - 1000 };
    const { ctx, asked } = context([row]);
    const answer = await queryClusters(ctx, {
      box: PARIS,
      zoom: MAX_CLUSTER_ZOOM + 1,
      window: WINDOW,
      limit: 10,
      budget: budget(),
    });
    expect(answer.mode).toBe("events");
    expect(answer.clusters).toEqual([]);
    expect(answer.mode === "events" ? answer.events.map((e) => e.id) : []).toEqual(["e1"]);
    expect(asked.sums).toEqual([]);
  });

  it("refuses a zoom whose partitions exceed the limit before reading anything", async () => {
    const { ctx, asked } = context([], [], [], 10);
    const europe: Box = { south: 35, west: -10, north: 60, east: 30 };
    await expect(
      queryClusters(ctx, { box: europe, zoom: 6, window: WINDOW, limit: 10, budget: budget() }),
    ).rejects.toMatchObject({ code: "QUERY_TOO_LARGE" });
    expect(asked.sums).toEqual([]);
    expect(asked.alerts).toEqual([]);
    expect(asked.summary).toEqual([]);
  });
});

describe("near a point", () => {
  const evaluate: NearEvaluator = oneNeighbourNear(() => ({
    neighbour: { id: "n1", value: 4, timeMs: NOW - 5000, distanceMeters: 12.345 },
    search: {
      stopLength: 6,
      windowFromMs: NOW - HOUR,
      windowToMs: NOW,
      reads: 2,
      rowsRead: 10,
      partitionsRead: 4,
    },
  }));

  it("evaluates the point as the detector would and answers the search with its neighbours apart", async () => {
    let seen: { value: number; k: number } | undefined;
    const spy: NearEvaluator = (point, k) => {
      seen = { value: point.value, k };
      return evaluate(point, k);
    };
    const answer = await queryNear(spy, { lat: 48.86, lon: 2.35, k: 7, timeMs: NOW });
    expect(seen?.k).toBe(7);
    expect(Number.isNaN(seen?.value)).toBe(true);
    expect(answer.time).toBe(new Date(NOW).toISOString());
    expect(answer.search).toMatchObject({ outcome: "bounded", stopLength: 6, reads: 2 });
    expect(answer.search).not.toHaveProperty("neighbours");
    expect(answer.neighbours).toEqual([
      {
        id: "n1",
        lat: 48.86,
        lon: 2.35,
        value: 4,
        time: new Date(NOW - 5000).toISOString(),
        distanceMeters: 12.3,
      },
    ]);
    expect(answer).not.toHaveProperty("verdict");
  });

  it("scores a value when one is given", async () => {
    const answer = await queryNear(evaluate, {
      lat: 48.86,
      lon: 2.35,
      k: 7,
      value: 9,
      timeMs: NOW,
    });
    expect(answer.verdict).toMatchObject({ kind: "insufficient", threshold: 7 });
  });

  it("refuses a search whose worst case exceeds the request budgets", () => {
    const limits = {
      layout: LAYOUT.filter((l) => l.length >= 4),
      maxReads: 5,
      maxCellsPerRead: 64,
      rowsPerPartition: 250,
      maxDistanceMeters: 25_000,
    };
    expect(() =>
      checkNearCost(48.86, 2.35, limits, { maxPartitions: 1e9, maxRows: 1e12 }),
    ).not.toThrow();
    expect(() => checkNearCost(48.86, 2.35, limits, { maxPartitions: 10, maxRows: 1e12 })).toThrow(
      /query too large: a search here may read/,
    );
  });
});
