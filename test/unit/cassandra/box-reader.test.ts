import type cassandra from "cassandra-driver";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readNewestInBox, type BoxTable } from "../../../src/cassandra/box-reader.js";
import { boxContains } from "../../../src/domain/query/box-query.js";
import type { Box } from "../../../src/domain/geo/cover.js";
import { isGeoAnomalyError } from "../../../src/errors.js";
import { RequestBudget } from "../../../src/query/budget.js";

/** A budget no test here reaches. */
const ample = () => new RequestBudget({ maxRows: 1e9, timeoutMs: 60_000 }, undefined);

interface Row {
  cell: string;
  bucket: number;
  id: string;
  lat: number;
  lon: number;
  time: Date;
}

/**
 * A fake at the driver boundary: one table keyed ((cell, bucket), time DESC, id ASC) answering
 * the reader's two statement shapes (IN with a per-partition limit; one partition with a limit).
 * It counts the rows it returns, to show the reader does not read whole partitions.
 */
function fakeTable(rows: readonly Row[]) {
  const order = (a: Row, b: Row): number =>
    b.time.getTime() - a.time.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const partition = (cell: string, bucket: number, from: Date, to: Date): Row[] =>
    rows
      .filter((r) => r.cell === cell && r.bucket === bucket && r.time >= from && r.time <= to)
      .sort(order);
  const stats = { rowsReturned: 0, statements: 0 };
  const client = {
    execute(cql: string, params: unknown[]) {
      stats.statements++;
      let out: Row[];
      if (cql.includes(" IN ? ")) {
        const [cells, bucket, from, to, limit] = params as [string[], number, Date, Date, number];
        out = cells.flatMap((c) => partition(c, bucket, from, to).slice(0, limit));
      } else {
        const [cell, bucket, from, to, limit] = params as [string, number, Date, Date, number];
        out = partition(cell, bucket, from, to).slice(0, limit);
      }
      stats.rowsReturned += out.length;
      return Promise.resolve({ rows: out, pageState: null });
    },
  };
  return { client: client as unknown as cassandra.Client, stats };
}

const table: BoxTable<Row> = {
  table: "ks.t",
  key: "cell",
  columns: "id, lat, lon, time",
  decode: (row) => {
    const r = row as unknown as Row;
    return { id: r.id, lat: r.lat, lon: r.lon, timeMs: r.time.getTime(), item: r };
  },
};

const T0 = Date.UTC(2026, 10, 21);
const BOX: Box = { south: 0, west: 0, north: 1, east: 1 };
const CELLS = ["a", "b", "c", "d", "e"]; // a, b wholly inside the box; the others straddle its edge

function brute(rows: readonly Row[], box: Box, from: number, to: number, limit: number) {
  const inside = rows
    .filter(
      (r) => boxContains(box, r.lat, r.lon) && r.time.getTime() >= from && r.time.getTime() <= to,
    )
    .sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? -1 : 1));
  return { ids: inside.slice(0, limit).map((r) => r.id), truncated: inside.length > limit };
}

/**
 * Rows from generated specs: cell index `c` (cells "a" and "b" lie inside the box; another cell's
 * row lies outside when `out`), bucket `b`, and a time `t` in the bucket's own range, so buckets
 * partition time; coarse, so rows tie.
 */
function rowsOf(specs: readonly { c: number; b: number; t: number; out: boolean }[]): Row[] {
  return specs.map((s, i) => {
    const cell = CELLS[s.c] ?? "a";
    const inside = cell === "a" || cell === "b" || !s.out;
    return {
      cell,
      bucket: s.b * 1000,
      id: `r${String(i).padStart(4, "0")}`,
      lat: inside ? 0.5 : 1.5,
      lon: 0.5,
      time: new Date(T0 + s.b * 1000 + Math.floor(s.t / 2) * 2),
    };
  });
}

describe("newest rows in a box, read partition by partition", () => {
  it("equals brute force for any rows, limits, windows and edge cells, with ties in time", async () => {
    const row = fc.record({
      // Most rows in one edge cell, so its partitions hold far more than their first share.
      c: fc.oneof(fc.constant(2), fc.constant(2), fc.integer({ min: 0, max: CELLS.length - 1 })),
      b: fc.integer({ min: 0, max: 2 }),
      t: fc.integer({ min: 0, max: 400 }),
      out: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 100, maxLength: 1500, size: "max" }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 200, max: 400 }),
        async (specs, limit, fromT, toT) => {
          const rows = rowsOf(specs);
          const { client } = fakeTable(rows);
          const from = T0 + fromT;
          const to = T0 + 2000 + toT;
          const result = await readNewestInBox(client, table, {
            box: BOX,
            cells: CELLS.map((hash) => ({ hash, inside: hash === "a" || hash === "b" })),
            buckets: [2000, 1000, 0],
            window: { fromMs: from, toMs: to },
            limit,
            budget: ample(),
          });
          const expected = brute(rows, BOX, from, to, limit);
          expect(result.rows.map((r) => r.id)).toEqual(expected.ids);
          expect(result.truncated).toBe(expected.truncated);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("reads a share of each partition, not limit + 1 rows of every one", async () => {
    // Partition p0 holds 800 rows newer than any other's; the other 39 hold 500 older ones each.
    const rows: Row[] = [];
    for (let p = 0; p < 40; p++) {
      for (let i = 0; i < (p === 0 ? 800 : 500); i++) {
        rows.push({
          cell: `p${p}`,
          bucket: 0,
          id: `${p}-${i}`,
          lat: 0.5,
          lon: 0.5,
          time: new Date(p === 0 ? T0 + 50_000 + i : T0 + i * 40 + p),
        });
      }
    }
    const { client, stats } = fakeTable(rows);
    const result = await readNewestInBox(client, table, {
      box: BOX,
      cells: Array.from({ length: 40 }, (_, p) => ({ hash: `p${p}`, inside: true })),
      buckets: [0],
      window: { fromMs: T0, toMs: T0 + 100_000 },
      limit: 1000,
      budget: ample(),
    });
    expect(result.rows).toHaveLength(1000);
    expect(result.truncated).toBe(true);
    expect(result.rows.map((r) => r.id)).toEqual(brute(rows, BOX, T0, T0 + 100_000, 1000).ids);
    // 40 partitions x 1,001 rows would be 40,040: a share of about 2 x 1,001 / 40 rows per
    // partition first, then only partitions that can still matter are read on.
    expect(stats.rowsReturned).toBeLessThan(6000);
  });

  it("never reads past the request's row budget: the exact answer within it, or a refusal", async () => {
    const row = fc.record({
      c: fc.integer({ min: 0, max: CELLS.length - 1 }),
      b: fc.integer({ min: 0, max: 2 }),
      t: fc.integer({ min: 0, max: 400 }),
      out: fc.boolean(),
    });
    let refused = 0;
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 0, maxLength: 800 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 1500 }),
        async (specs, limit, maxRows) => {
          const rows = rowsOf(specs);
          const { client, stats } = fakeTable(rows);
          const budget = new RequestBudget({ maxRows, timeoutMs: 60_000 }, undefined);
          try {
            const result = await readNewestInBox(client, table, {
              box: BOX,
              cells: CELLS.map((hash) => ({ hash, inside: hash === "a" || hash === "b" })),
              buckets: [2000, 1000, 0],
              window: { fromMs: T0, toMs: T0 + 3000 },
              limit,
              budget,
            });
            answered++;
            expect(result.rows.map((r) => r.id)).toEqual(
              brute(rows, BOX, T0, T0 + 3000, limit).ids,
            );
          } catch (err) {
            if (!isGeoAnomalyError(err, "QUERY_TOO_LARGE")) throw err;
            refused++;
            expect((err as Error).message).toMatch(/API_MAX_ROWS/);
          }
          expect(stats.rowsReturned).toBeLessThanOrEqual(maxRows);
          expect(budget.rowsRead).toBe(stats.rowsReturned);
        },
      ),
      { numRuns: 300 },
    );
    // Both outcomes happen, so the property is not vacuous.
    expect(refused).toBeGreaterThan(0);
    expect(answered).toBeGreaterThan(0);
  });

  it("stops at the next statement once the request is cancelled or out of time", async () => {
    const { client, stats } = fakeTable([
      { cell: "a", bucket: 0, id: "x", lat: 0.5, lon: 0.5, time: new Date(T0) },
    ]);
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(
      readNewestInBox(client, table, {
        box: BOX,
        cells: [{ hash: "a", inside: true }],
        buckets: [0],
        window: { fromMs: T0, toMs: T0 + 1000 },
        limit: 10,
        budget: new RequestBudget({ maxRows: 100, timeoutMs: 60_000 }, cancelled.signal),
      }),
    ).rejects.toMatchObject({ code: "QUERY_TIMEOUT" });
    expect(stats.statements).toBe(0);
  });
});
