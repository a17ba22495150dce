import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BatchVisibility } from "../../../src/domain/detect/batch-visibility.js";
import { encode } from "../../../src/domain/geo/geo.js";
import { bucketsInRange } from "../../../src/domain/sizing/levels.js";
import type { Candidate } from "../../../src/domain/detect/neighbours.js";
import { PartitionCache, type RowVisibility } from "../../../src/domain/detect/partition-cache.js";
import { clipToBucket, planReads } from "../../../src/domain/detect/read-plan.js";
import type { CellRead } from "../../../src/domain/detect/search.js";
import {
  packWrites,
  planWrites,
  type PartitionWrite,
} from "../../../src/domain/detect/write-plan.js";
import { defaultLayout } from "../../../src/domain/sizing/layout.js";

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 1, 13, 30);
const BUCKETS: Record<number, number> = { 4: 2 * HOUR, 5: 4 * HOUR, 6: 12 * HOUR };
const bucketMs = (length: number): number => BUCKETS[length] ?? HOUR;
const SEES_ALL: RowVisibility = { hides: () => false, addEarlier: () => undefined };

const cellArb = (length: number) =>
  fc
    .tuple(
      fc.double({ min: 48, max: 48.3, noNaN: true }),
      fc.double({ min: 2, max: 2.3, noNaN: true }),
    )
    .map(([lat, lon]) => encode(lat, lon, length));

const readArb: fc.Arbitrary<CellRead> = fc
  .constantFrom(4, 5, 6)
  .chain((length) =>
    fc.record({
      length: fc.constant(length),
      cells: fc.uniqueArray(cellArb(length), { minLength: 0, maxLength: 12 }),
      toMs: fc.integer({ min: T - 3 * HOUR, max: T }),
      span: fc.integer({ min: 0, max: 6 * HOUR }),
    }),
  )
  .map(({ length, cells, toMs, span }) => ({
    length,
    cells,
    fromMs: toMs - span,
    toMs,
    rowsPerPartition: 100,
  }));

/** Every (length, cell, bucket) a read needs, with the window it needs there. */
function needs(reads: readonly CellRead[]): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const r of reads) {
    for (const cell of r.cells) {
      for (const b of bucketsInRange(r.fromMs, r.toMs, bucketMs(r.length))) {
        const [from, to] = clipToBucket(r.fromMs, r.toMs, b, bucketMs(r.length));
        const key = `${r.length}/${cell}/${b}`;
        const before = out.get(key);
        out.set(key, [Math.min(from, before?.[0] ?? from), Math.max(to, before?.[1] ?? to)]);
      }
    }
  }
  return out;
}

describe("planReads (which partitions a batch reads)", () => {
  it("reads every partition the batch's reads need exactly once, over the window they need, in statements of at most the cap", () => {
    fc.assert(
      fc.property(
        fc.array(readArb, { maxLength: 30 }),
        fc.integer({ min: 1, max: 40 }),
        (reads, cap) => {
          const plan = planReads(reads, bucketMs, new PartitionCache(bucketMs), cap);
          const read = new Map<string, [number, number]>();
          for (const p of plan) {
            expect(p.cells.length * p.buckets.length).toBeLessThanOrEqual(
              Math.max(cap, p.buckets.length),
            );
            for (const cell of p.cells) {
              for (const b of p.buckets) {
                const key = `${p.length}/${cell}/${b}`;
                expect(read.has(key)).toBe(false);
                read.set(key, clipToBucket(p.fromMs, p.toMs, b, bucketMs(p.length)));
              }
            }
          }
          const wanted = needs(reads);
          expect([...read.keys()].sort()).toEqual([...wanted.keys()].sort());
          for (const [key, [from, to]] of wanted) {
            const got = read.get(key);
            expect(got?.[0]).toBeLessThanOrEqual(from);
            expect(got?.[1]).toBeGreaterThanOrEqual(to);
          }
        },
      ),
    );
  });

  it("reads nothing the batch already read for the window asked, and again what it read for a shorter one", () => {
    const cache = new PartitionCache(bucketMs);
    const cells = [encode(48.1, 2.1, 5), encode(48.2, 2.2, 5)];
    const first: CellRead = { length: 5, cells, fromMs: T - HOUR, toMs: T, rowsPerPartition: 10 };
    for (const p of planReads([first], bucketMs, cache, 64)) cache.add(p, []);
    expect(planReads([first], bucketMs, cache, 64)).toEqual([]);
    const inside: CellRead = { ...first, fromMs: T - HOUR / 2, toMs: T - 1 };
    expect(planReads([inside], bucketMs, cache, 64)).toEqual([]);
    const later: CellRead = { ...first, toMs: T + 1_000 };
    const again = planReads([later], bucketMs, cache, 64);
    expect(again.flatMap((p) => p.cells).sort()).toEqual([...cells].sort());
    // The new read spans the old window too, so its rows replace the old ones whole.
    expect(Math.min(...again.map((p) => p.fromMs))).toBeLessThanOrEqual(T - HOUR);
  });

  it("puts cells that need the same buckets together: no statement reads a partition nobody asked for", () => {
    const a = encode(48.1, 2.1, 6);
    const b = encode(48.2, 2.2, 6);
    const plan = planReads(
      [
        { length: 6, cells: [a], fromMs: T - 13 * HOUR, toMs: T, rowsPerPartition: 10 },
        { length: 6, cells: [b], fromMs: T - HOUR, toMs: T, rowsPerPartition: 10 },
      ],
      bucketMs,
      new PartitionCache(bucketMs),
      64,
    );
    const total = plan.reduce((n, p) => n + p.cells.length * p.buckets.length, 0);
    expect(total).toBe(
      needs([
        { length: 6, cells: [a], fromMs: T - 13 * HOUR, toMs: T, rowsPerPartition: 10 },
        { length: 6, cells: [b], fromMs: T - HOUR, toMs: T, rowsPerPartition: 10 },
      ]).size,
    );
  });
});

describe("PartitionCache.serve", () => {
  const rows = (cell: string, n: number, newest: number): Candidate[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `${cell}-${i}`,
      lat: 0,
      lon: 0,
      value: i,
      timeMs: newest - i * 1000,
    }));

  it("answers a read with its cells' rows in its window, and from when they are complete", () => {
    const cache = new PartitionCache(bucketMs);
    const [c1, c2] = [encode(48.1, 2.1, 5), encode(48.2, 2.2, 5)] as [string, string];
    const bucket = bucketsInRange(T - 10_000, T, bucketMs(5))[0] ?? 0;
    const full = rows(c1, 4, T - 100); // the limit is 3: one row more means older rows exist
    cache.add(
      {
        length: 5,
        cells: [c1, c2],
        buckets: [bucket],
        fromMs: T - 60_000,
        toMs: T,
        rowsPerPartition: 3,
      },
      [
        { cell: c1, bucket, rows: full },
        { cell: c2, bucket, rows: rows(c2, 2, T - 500) },
      ],
    );
    const served = cache.serve(
      { length: 5, cells: [c1, c2], fromMs: T - 60_000, toMs: T - 400, rowsPerPartition: 3 },
      SEES_ALL,
    );
    expect(served.rows.map((r) => r.id).sort()).toEqual(
      [...full.slice(1).map((r) => r.id), `${c2}-0`, `${c2}-1`].sort(),
    );
    expect(served.completeFromMs).toBe((full.at(-1)?.timeMs ?? 0) + 1);
    expect(served.partitions).toBe(2);
  });

  it("refuses to answer from a partition it did not read for that window", () => {
    const cache = new PartitionCache(bucketMs);
    const cell = encode(48.1, 2.1, 5);
    expect(() =>
      cache.serve(
        { length: 5, cells: [cell], fromMs: T - 1000, toMs: T, rowsPerPartition: 3 },
        SEES_ALL,
      ),
    ).toThrow(/was not read/);
  });
});

describe("BatchVisibility", () => {
  const events: Candidate[] = [0, 1, 2].map((i) => ({
    id: `e${i}`,
    lat: 48.1,
    lon: 2.1,
    value: i,
    timeMs: T + i,
  }));
  const hashes = events.map((e) => encode(e.lat, e.lon, 8));
  const vis = new BatchVisibility(events, hashes, [5, 6]);
  const cell = encode(48.1, 2.1, 5);

  it("shows an event the batch's earlier events and hides its later ones, even once stored", () => {
    const out: Candidate[] = [];
    vis.for(1).addEarlier(5, [cell], T - 10, T + 10, out);
    expect(out.map((e) => e.id)).toEqual(["e0"]);
    expect(["e0", "e1", "e2", "other"].map((id) => vis.for(1).hides(id))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it("keeps to the read's cells, length and window", () => {
    const out: Candidate[] = [];
    vis.for(2).addEarlier(5, [encode(10, 10, 5)], T - 10, T + 10, out);
    vis.for(2).addEarlier(4, [encode(48.1, 2.1, 4)], T - 10, T + 10, out);
    vis.for(2).addEarlier(5, [cell], T + 1, T + 10, out);
    expect(out.map((e) => e.id)).toEqual(["e1"]);
  });
});

describe("planWrites", () => {
  const layout = defaultLayout([8, 5, 3]);

  it("writes every event once at every stored length, grouped by partition, in capped statements", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            lat: fc.double({ min: 48, max: 48.05, noNaN: true }),
            lon: fc.double({ min: 2, max: 2.05, noNaN: true }),
            dt: fc.integer({ min: 0, max: 5 * HOUR }),
          }),
          { maxLength: 120 },
        ),
        fc.integer({ min: 1, max: 50 }),
        (points, cap) => {
          const events = points.map((p, i) => ({
            id: `e${i}`,
            lat: p.lat,
            lon: p.lon,
            value: 1,
            timeMs: T + p.dt,
          }));
          const hashes = events.map((e) => encode(e.lat, e.lon, 8));
          const writes = planWrites(events, hashes, layout, cap);
          for (const level of layout) {
            const at = writes.filter((w) => w.length === level.length);
            expect(at.flatMap((w) => w.events.map((e) => e.id)).sort()).toEqual(
              events.map((e) => e.id).sort(),
            );
            for (const w of at) {
              expect(w.events.length).toBeLessThanOrEqual(cap);
              for (const e of w.events) {
                expect(encode(e.lat, e.lon, level.length)).toBe(w.cell);
                expect(Math.floor(e.timeMs / level.bucketMs) * level.bucketMs).toBe(w.bucket);
              }
            }
            const partitions = new Set(at.map((w) => `${w.cell}/${w.bucket}`));
            expect(at.length).toBeLessThanOrEqual(
              partitions.size + Math.floor(events.length / cap),
            );
          }
        },
      ),
    );
  });
});

describe("packWrites", () => {
  const write = (length: number, cell: string, rows: number): PartitionWrite => ({
    length,
    cell,
    bucket: 0,
    events: Array.from({ length: rows }, (_, i) => ({
      id: `${cell}${i}`,
      lat: 0,
      lon: 0,
      value: 0,
      timeMs: 0,
    })),
  });

  it("packs partitions of one replica set together up to the row cap, never mixing replica sets or splitting a partition", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.integer({ min: 1, max: 30 })), {
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 50 }),
        (specs, cap) => {
          const writes = specs.map(([replicas, rows], i) => write(i, replicas, rows));
          const replicasOf = (w: PartitionWrite): string => w.cell;
          const statements = packWrites(writes, replicasOf, cap);
          expect(statements.flat()).toHaveLength(writes.length);
          expect(new Set(statements.flat())).toEqual(new Set(writes));
          for (const s of statements) {
            expect(new Set(s.map(replicasOf)).size).toBe(1);
            const rows = s.reduce((n, w) => n + w.events.length, 0);
            if (s.length > 1) expect(rows).toBeLessThanOrEqual(cap);
          }
          // Few statements: within each replica set, no two neighbours could have shared one.
          const perSet = new Map<string, number>();
          for (const s of statements)
            perSet.set(
              replicasOf(s[0] as PartitionWrite),
              (perSet.get(replicasOf(s[0] as PartitionWrite)) ?? 0) + 1,
            );
          for (const [key, n] of perSet) {
            const rows = writes
              .filter((w) => w.cell === key)
              .reduce((m, w) => m + w.events.length, 0);
            expect(n).toBeLessThanOrEqual(Math.max(1, 2 * Math.ceil(rows / cap)));
          }
        },
      ),
    );
  });
});
