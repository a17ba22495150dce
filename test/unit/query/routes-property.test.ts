/**
 * Every route driven with arbitrary parameters against an in-process server (Fastify inject):
 * the real query services and Cassandra readers over a fake driver, the near search behind its
 * port. Whatever the parameters: never a 500, never more rows or partitions than the request's
 * budget, and a refusal costs a few milliseconds of CPU, because every cost is arithmetic done
 * before anything is listed or read.
 */
import type { FastifyInstance } from "fastify";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CassandraAlertStore } from "../../../src/cassandra/alert-store.js";
import { CassandraEventReader } from "../../../src/cassandra/event-reader.js";
import type { NearEvaluator } from "../../../src/query/near.js";
import { apiOverFakes, oneNeighbourNear } from "../api/fixture.js";
import { fakeQueryDriver, type DriverStats } from "./fake-driver.js";

interface Server {
  readonly app: FastifyInstance;
  readonly stats: DriverStats;
  readonly maxPartitions: number;
  readonly maxRows: number;
}

/** A search that finds one neighbour at the point: near's cost is checked before it runs. */
const near: NearEvaluator = oneNeighbourNear((point) => ({
  neighbour: { id: "n", value: 1, timeMs: point.timeMs, distanceMeters: 0 },
  search: {
    stopLength: 8,
    windowFromMs: point.timeMs - 1000,
    windowToMs: point.timeMs,
    reads: 1,
    rowsRead: 1,
    partitionsRead: 1,
  },
}));

const BUDGETS = [
  { maxPartitions: 3000, maxRows: 20_000, perPartition: 6 },
  { maxPartitions: 400, maxRows: 300, perPartition: 12 },
  { maxPartitions: 40, maxRows: 25, perPartition: 4 },
];

const servers: Server[] = [];
beforeAll(async () => {
  for (const b of BUDGETS) {
    const { client, stats } = fakeQueryDriver(b.perPartition);
    const app = await apiOverFakes({
      events: new CassandraEventReader(client, "ks"),
      alerts: new CassandraAlertStore(client, "ks"),
      near,
      maxPartitions: b.maxPartitions,
      guard: { maxRows: b.maxRows },
    });
    servers.push({ app, stats, maxPartitions: b.maxPartitions, maxRows: b.maxRows });
  }
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.app.close()));
});

const NOW = Date.UTC(2026, 10, 21, 12);
const num = (min: number, max: number) =>
  fc.oneof(
    fc.double({ min, max, noNaN: true }).map((x) => String(x)),
    // Whole numbers too (fc.integer needs 32-bit bounds).
    fc
      .integer({
        min: Math.max(-(2 ** 31), Math.ceil(min)),
        max: Math.min(2 ** 31 - 1, Math.floor(max)),
      })
      .map(String),
  );
/** Boxes of every shape: points, strips, continents, the world, across the antimeridian, broken. */
const bbox = fc.oneof(
  {
    arbitrary: fc.constantFrom("2.3,48.8,2.4,48.9", "-10,35,30,60", "179,-20,-179,-15"),
    weight: 3,
  },
  fc.tuple(num(-180, 180), num(-90, 90), num(-180, 180), num(-90, 90)).map((t) => t.join(",")),
  fc
    .tuple(
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.double({ min: -89, max: 89, noNaN: true }),
      fc.double({ min: 1e-6, max: 1, noNaN: true }),
    )
    .map(([, lat, h]) => `-180,${lat},180,${lat + h}`),
  fc
    .tuple(
      fc.double({ min: -179, max: 179, noNaN: true }),
      fc.double({ min: -89, max: 89, noNaN: true }),
      fc.double({ min: 1e-7, max: 30, noNaN: true }),
    )
    .map(([lon, lat, d]) => `${lon},${lat},${Math.min(180, lon + d)},${Math.min(90, lat + d)}`),
  fc.constantFrom(
    "-180,-90,180,90",
    "170,-20,-170,20",
    "0,0,0,0",
    "1,2,3",
    "a,b,c,d",
    "",
    "NaN,0,1,1",
    "0,10,1,5",
    "-181,0,0,1",
  ),
  fc.string(),
);
const time = fc.oneof(
  {
    arbitrary: fc.integer({ min: NOW - 10 * 86_400_000, max: NOW + 86_400_000 }).map(String),
    weight: 6,
  },
  fc.integer({ min: -2e16, max: 2e16 }).map(String),
  fc
    .date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    "9e15",
    "9000000000000000",
    "0",
    "-1",
    "2099-12-31T23:59:59Z",
    "2100-01-01T00:00:00Z",
    "yesterday",
  ),
);
/** Mostly present: a parameter left out is one case among many. */
/** Mostly a sensible whole number, sometimes anything. */
const whole = (min: number, max: number) =>
  fc.oneof({ arbitrary: fc.integer({ min, max }).map(String), weight: 4 }, num(-5, 2 * max));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 6 });
/** Mostly absent (the route's default), sometimes anything. */
const rare = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const query = (params: Record<string, string | undefined>) =>
  Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");

const request = fc.oneof(
  fc
    .record({ bbox: opt(bbox), from: rare(time), to: rare(time), limit: rare(whole(1, 10_000)) })
    .map((p) => `/v1/events?${query(p)}`),
  fc
    .record({ bbox: opt(bbox), from: rare(time), to: rare(time), limit: rare(whole(1, 10_000)) })
    .map((p) => `/v1/anomalies?${query(p)}`),
  fc
    .record({
      bbox: opt(bbox),
      zoom: opt(
        fc.oneof(
          fc.integer({ min: -2, max: 22 }).map(String),
          fc.constantFrom("9", "16", "4.5", "x"),
        ),
      ),
      from: opt(time),
      to: opt(time),
      limit: opt(num(-5, 20_000)),
    })
    .map((p) => `/v1/clusters?${query(p)}`),
  fc
    .record({
      lat: opt(num(-95, 95)),
      lon: opt(num(-185, 185)),
      k: rare(whole(1, 1000)),
      value: rare(fc.oneof(num(-1e308, 1e308), fc.constantFrom("Infinity", "NaN"))),
      time: rare(time),
    })
    .map((p) => `/v1/near?${query(p)}`),
);

describe("every route with arbitrary parameters", () => {
  it("never answers 500, never reads past its budget, and refuses within a few ms of CPU", async () => {
    const refusalCpuMs: number[] = [];
    const outcomes = new Map<string, number>();
    let slowest = 0;
    // Warm up each route once, so the first request's compilation is not counted as its cost.
    for (const s of servers) {
      for (const url of [
        "/v1/events?bbox=0,0,1,1",
        "/v1/clusters?bbox=0,0,1,1&zoom=3",
        "/v1/near?lat=0&lon=0",
        "/v1/anomalies?bbox=0,0,1,1",
      ])
        await s.app.inject({ url });
    }
    await fc.assert(
      fc.asyncProperty(
        request,
        fc.integer({ min: 0, max: BUDGETS.length - 1 }),
        async (url, which) => {
          const s = servers[which] as Server;
          s.stats.rows = 0;
          s.stats.statements = 0;
          s.stats.partitions.clear();
          const cpu = process.cpuUsage();
          const started = Date.now();
          const res = await s.app.inject({ url });
          const used = process.cpuUsage(cpu);
          slowest = Math.max(slowest, Date.now() - started);
          const body = res.json<{ code?: string; message?: string }>();
          const key = `${res.statusCode} ${body.code ?? ""}`;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          expect([200, 400], `${url}: ${res.body}`).toContain(res.statusCode);
          expect(s.stats.rows, url).toBeLessThanOrEqual(s.maxRows);
          expect(s.stats.partitions.size, url).toBeLessThanOrEqual(s.maxPartitions);
          if (res.statusCode === 400) {
            expect(["QUERY_INVALID", "QUERY_TOO_LARGE"], url).toContain(body.code);
            expect(body.message?.length ?? 0, url).toBeGreaterThan(10);
            if (s.stats.statements === 0) refusalCpuMs.push((used.user + used.system) / 1000);
          }
        },
      ),
      { numRuns: Number(process.env["PROP_RUNS"] ?? 1500) },
    );
    refusalCpuMs.sort((a, b) => a - b);
    const p99 = refusalCpuMs[Math.floor(refusalCpuMs.length * 0.99)] ?? 0;
    console.log(
      `[routes-property] outcomes ${JSON.stringify(Object.fromEntries(outcomes))}; ` +
        `slowest ${slowest} ms; CPU of ${refusalCpuMs.length} refusals before any read: median ${refusalCpuMs[Math.floor(refusalCpuMs.length / 2)]?.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${refusalCpuMs.at(-1)?.toFixed(2)} ms`,
    );
    // Both answers and each kind of refusal happen, so the properties are not vacuous.
    expect(outcomes.get("200 ")).toBeGreaterThan(50);
    expect(outcomes.get("400 QUERY_TOO_LARGE")).toBeGreaterThan(20);
    expect(outcomes.get("400 QUERY_INVALID")).toBeGreaterThan(50);
    expect(p99).toBeLessThan(20);
  }, 300_000);

  it.each([
    ["the world at zoom 16", "/v1/clusters?bbox=-180,-90,180,90&zoom=16"],
    ["the world at zoom 9", "/v1/clusters?bbox=-180,-90,180,90&zoom=9"],
    ["a world strip at zoom 14", "/v1/clusters?bbox=-180,10.0001,180,10.0009&zoom=14"],
    ["a day of the world's events", "/v1/events?bbox=-180,-90,180,90&from=0"],
  ])("refuses %s from arithmetic alone, naming what to narrow", async (_name, url) => {
    const s = servers[0] as Server;
    s.stats.statements = 0;
    const cpu = process.cpuUsage();
    const res = await s.app.inject({ url });
    const used = process.cpuUsage(cpu);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: "QUERY_TOO_LARGE", message: /API_MAX_PARTITIONS/ });
    expect(s.stats.statements).toBe(0);
    expect((used.user + used.system) / 1000).toBeLessThan(50);
  });
});
