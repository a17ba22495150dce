import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import { cellsInBox, type Box } from "../../../src/domain/geo/cover.js";
import {
  MINUTE_SLOT_MS,
  parentPairs,
  slotPairs,
  sumMinutes,
  regionLength,
  slotWindow,
  SUMMARY_BUCKET_MS,
  SUMMARY_SLOT_MS,
  sumChildren,
  summaryLengths,
  summaryPartitions,
  summaryRead,
  touchedPairs,
  touchesBox,
  type SummaryRow,
} from "../../../src/domain/query/summary.js";
import { TouchLedger } from "../../../src/domain/query/touch-ledger.js";

const T = Date.UTC(2026, 10, 21, 10, 0);
const EUROPE: Box = { south: 35, west: -10, north: 60, east: 30 };
const FIJI: Box = { south: -18, west: 179, north: -16, east: -179 };

describe("summary keys", () => {
  it("keeps the source length and each coarser one down to 2, a region two characters shorter", () => {
    expect(summaryLengths(4)).toEqual([4, 3, 2]);
    expect(summaryLengths(5)).toEqual([5, 4, 3, 2]);
    expect(summaryLengths(1)).toEqual([1]);
    expect([4, 3, 2, 1].map(regionLength)).toEqual([2, 1, 1, 1]);
  });

  it("marks each (source cell, slot) of a slice once, whatever the replays", () => {
    const e = { lat: 48.8566, lon: 2.3522, timeMs: T + 1000 };
    const next = { ...e, timeMs: T + MINUTE_SLOT_MS };
    const pairs = touchedPairs([e, e, next, e, { ...e, timeMs: T + SUMMARY_SLOT_MS }], 4);
    const cell = ngeohash.encode(48.8566, 2.3522, 4);
    expect(pairs).toEqual([
      { cell, slot: T },
      { cell, slot: T + MINUTE_SLOT_MS },
      { cell, slot: T + SUMMARY_SLOT_MS },
    ]);
    const slots = slotPairs(pairs);
    expect(slots).toEqual([
      { cell, slot: T },
      { cell, slot: T + SUMMARY_SLOT_MS },
    ]);
    expect(parentPairs(slots).map((p) => p.cell)).toEqual(["u09", "u09"]);
  });

  it("sums a slot from its minute rows", () => {
    const minute = (slot: number, count: number): SummaryRow => ({
      cell: "u09t",
      slot,
      count,
      sumLat: count,
      sumLon: count,
      anomalies: 0,
    });
    const rows = sumMinutes(
      [{ cell: "u09t", slot: T }],
      [minute(T, 2), minute(T + 4 * MINUTE_SLOT_MS, 3), minute(T + SUMMARY_SLOT_MS, 7)],
    );
    expect(rows).toEqual([{ cell: "u09t", slot: T, count: 5, sumLat: 5, sumLon: 5, anomalies: 0 }]);
  });

  it("sums a parent from its children, and writes zeros for a parent with none left", () => {
    const child = (cell: string, count: number, anomalies = 0): SummaryRow => ({
      cell,
      slot: T,
      count,
      sumLat: count * 48,
      sumLon: count * 2,
      anomalies,
    });
    const rows = sumChildren(
      [
        { cell: "u09", slot: T },
        { cell: "u0d", slot: T },
      ],
      [child("u09t", 3, 1), child("u09w", 2), child("u0c0", 9)],
    );
    expect(rows).toEqual([
      { cell: "u09", slot: T, count: 5, sumLat: 240, sumLon: 10, anomalies: 1 },
      { cell: "u0d", slot: T, count: 0, sumLat: 0, sumLon: 0, anomalies: 0 },
    ]);
  });
});

describe("summary reads", () => {
  it("widens the window to whole slots", () => {
    expect(slotWindow({ fromMs: T + 61_000, toMs: T + 3_600_000 + 1 })).toEqual({
      fromMs: T,
      toMs: T + 3_600_000 + SUMMARY_SLOT_MS - 1,
    });
  });

  it("reads a continent at zoom 4 (precision 3) over an hour from a dozen partitions", () => {
    const window = slotWindow({ fromMs: T - 3_600_000, toMs: T });
    const read = summaryRead(EUROPE, 3, window);
    expect(read.length).toBe(3);
    expect(read.partitions.regions.every((r) => r.length === 1)).toBe(true);
    expect(read.partitions.buckets).toEqual([T, T - SUMMARY_BUCKET_MS]);
    expect(read.partitions.regions.length * read.partitions.buckets.length).toBe(
      summaryPartitions(EUROPE, 3, window),
    );
    expect(summaryPartitions(EUROPE, 3, window)).toBeLessThanOrEqual(16);
    // Every cell of the precision touching the box lies in a region read.
    for (const c of cellsInBox(EUROPE, 3))
      expect(read.partitions.regions).toContain(c.hash.slice(0, 1));
    expect(read.fromSlot).toBe(T - 3_600_000);
    expect(read.toSlot).toBe(T);
  });

  it("reads precision 1 from length 2 and rolls it up", () => {
    const read = summaryRead({ south: -90, west: -180, north: 90, east: 180 }, 1, {
      fromMs: T,
      toMs: T + 1,
    });
    expect(read.length).toBe(2);
    expect(read.partitions.regions).toHaveLength(32);
  });

  it("tells the cells touching a box as cellsInBox lists them, across the antimeridian too", () => {
    for (const [box, length] of [
      [EUROPE, 3],
      [FIJI, 3],
      [FIJI, 2],
    ] as const) {
      const listed = new Set(cellsInBox(box, length).map((c) => c.hash));
      const touches = touchesBox(box, length);
      const region = cellsInBox(box, 1).map((c) => c.hash);
      const all = region.flatMap((r) => expand(r, length));
      for (const cell of all) expect(touches(cell), cell).toBe(listed.has(cell));
    }
  });
});

function expand(prefix: string, length: number): string[] {
  const base32 = "0123456789bcdefghjkmnpqrstuvwxyz";
  let out = [prefix];
  for (let l = prefix.length; l < length; l++)
    out = out.flatMap((p) => [...base32].map((c) => p + c));
  return out;
}

describe("touch ledger", () => {
  const touch = (cell: string, touchedMs: number) => ({ cell, slot: T, touchedMs });

  it("rolls a pair again only when it was touched again since", () => {
    const ledger = new TouchLedger(T);
    expect(ledger.fresh(T, [touch("u09t", T + 5)])).toHaveLength(1);
    ledger.rolled(T, [touch("u09t", T + 5)]);
    expect(ledger.fresh(T, [touch("u09t", T + 5)])).toEqual([]);
    expect(ledger.fresh(T, [touch("u09t", T + 9)])).toEqual([touch("u09t", T + 9)]);
  });

  it("scans from the checkpoint to now and closes minutes only after the grace", () => {
    const ledger = new TouchLedger(T + 30_000);
    expect(ledger.openMinutes(T + 150_000)).toEqual([T, T + 60_000, T + 120_000]);
    expect(ledger.close(T + 60_000 + 29_999, 30_000)).toBe(false);
    expect(ledger.checkpoint).toBe(T);
    expect(ledger.close(T + 150_000, 30_000)).toBe(true);
    expect(ledger.checkpoint).toBe(T + 120_000);
    expect(ledger.openMinutes(T + 150_000)).toEqual([T + 120_000]);
  });
});
