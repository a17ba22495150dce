import fc from "fast-check";
import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import {
  boxContains,
  boxHoldsCell,
  childCells,
  chooseCoverLength,
  COVER_CELL_TARGET,
  lengthCosts,
  snapToCells,
} from "../../../src/domain/query/box-query.js";
import { boxCellCount, cellsInBox, type Box } from "../../../src/domain/geo/cover.js";
import { cellBounds } from "../../../src/domain/geo/geo.js";
import {
  DEFAULT_FULL_LAYOUT as DEFAULT_LAYOUT,
  defaultLayout,
} from "../../../src/domain/sizing/layout.js";

const NOW = Date.UTC(2026, 10, 21, 12);
const HOUR = { fromMs: NOW - 3_600_000, toMs: NOW };
const lat = fc.double({ min: -90, max: 90, noNaN: true });
const lon = fc.double({ min: -180, max: 180, noNaN: true });

/** The brute-force inside test: latitude between, longitude read eastward from west to east. */
function inside(box: Box, la: number, lo: number): boolean {
  if (la < box.south || la > box.north) return false;
  if (box.west <= box.east) return lo >= box.west && lo <= box.east;
  return lo >= box.west || lo <= box.east;
}

describe("covering a box for an exact read", () => {
  it("puts every point of the box in a cover cell, and marks whole cells only when wholly inside", () => {
    fc.assert(
      fc.property(
        lat,
        lat,
        lon,
        lon,
        fc.integer({ min: 1, max: 4 }),
        lat,
        lon,
        (a, b, w, e, l, pla, plo) => {
          const box = { south: Math.min(a, b), north: Math.max(a, b), west: w, east: e };
          fc.pre(boxCellCount(box, l) <= 3000);
          const cells = cellsInBox(box, l);
          const hashes = new Set(cells.map((c) => c.hash));
          expect(boxContains(box, pla, plo)).toBe(inside(box, pla, plo));
          if (inside(box, pla, plo)) expect(hashes.has(ngeohash.encode(pla, plo, l))).toBe(true);
          for (const c of cells) {
            if (!boxHoldsCell(box, c)) continue;
            // Corners and centre of a held cell are inside the box.
            for (const [y, x] of [
              [c.south, c.west],
              [c.north, c.east],
              [(c.south + c.north) / 2, (c.west + c.east) / 2],
            ] as const) {
              expect(inside(box, y, x)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("chooses the finest stored length with a bounded cover, coarser for bigger boxes", () => {
    const layout = DEFAULT_LAYOUT;
    const city: Box = { south: 48.8, west: 2.25, north: 48.92, east: 2.42 };
    const continent: Box = { south: 35, west: -10, north: 60, east: 30 };
    const c = chooseCoverLength(city, HOUR, layout, NOW, 8192);
    const k = chooseCoverLength(continent, HOUR, layout, NOW, 8192);
    expect(c.ok && k.ok).toBe(true);
    if (!c.ok || !k.ok) return;
    expect(c.cost.cells).toBeLessThanOrEqual(COVER_CELL_TARGET);
    expect(k.cost.cells).toBeLessThanOrEqual(COVER_CELL_TARGET);
    expect(c.cost.level.length).toBeGreaterThan(k.cost.level.length);
    // Finest with a bounded cover: one length finer would exceed the target.
    const finer = lengthCosts(city, HOUR, layout, NOW).find(
      (x) => x.level.length === c.cost.level.length + 1,
    );
    expect(finer === undefined || finer.cells > COVER_CELL_TARGET).toBe(true);
  });

  it("refuses a box too large for the budget and says how to narrow it", () => {
    const world: Box = { south: -90, west: -180, north: 90, east: 180 };
    const d = chooseCoverLength(world, HOUR, defaultLayout([6, 7, 8]), NOW, 1000);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.reason).toBe("too_large");
    expect(d.message).toMatch(/Narrow the box about [\d.]+x in each direction/);
    expect(d.message).toContain("API_MAX_PARTITIONS");
  });

  it("serves only the part of the window a length still keeps", () => {
    const layout = defaultLayout([1]);
    const ttl = layout[0]?.ttlSeconds ?? 0;
    const day = { fromMs: NOW - 86_400_000, toMs: NOW };
    const [cost] = lengthCosts({ south: 0, west: 0, north: 1, east: 1 }, day, layout, NOW);
    expect(cost?.window.fromMs).toBe(NOW - ttl * 1000);
    const old = { fromMs: NOW - 2 * 86_400_000, toMs: NOW - 86_400_000 };
    const d = chooseCoverLength({ south: 0, west: 0, north: 1, east: 1 }, old, layout, NOW, 100);
    expect(d.ok ? "ok" : d.reason).toBe("expired");
  });

  it("lists the children of a cell at a finer length and grows a box to whole cells", () => {
    expect(childCells("u0", 2)).toEqual(["u0"]);
    const kids = childCells("u0", 3);
    expect(kids).toHaveLength(32);
    expect(kids.every((k) => k.startsWith("u0"))).toBe(true);
    const box: Box = { south: 10.1, west: 170.3, north: 12.2, east: -170.4 };
    const snapped = snapToCells(box, 2);
    for (const c of cellsInBox(box, 2)) {
      const [s, w, n, e] = cellBounds(c.hash);
      expect(s).toBeGreaterThanOrEqual(snapped.south);
      expect(n).toBeLessThanOrEqual(snapped.north);
      expect(inside(snapped, (s + n) / 2, (w + e) / 2)).toBe(true);
    }
    expect(snapped.west).toBeGreaterThan(snapped.east);
  });
});
