import fc from "fast-check";
import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import {
  cellsBetween,
  mergeCellRanges,
  nextCell,
  splitRangesAt,
  zIndex,
} from "../../../src/domain/cell-ranges.js";
import { cellsInBox } from "../../../src/domain/cover.js";

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/** Every cell a list of ranges names, by walking each range cell by cell. */
function expand(ranges: ReturnType<typeof mergeCellRanges>): string[] {
  const out: string[] = [];
  for (const r of ranges) {
    let c: string | undefined = r.start;
    for (let i = 0; i < r.cells; i++) {
      if (c === undefined) throw new Error("range runs past the last cell");
      out.push(c);
      c = nextCell(c);
    }
    expect(c).toBe(r.end);
  }
  return out;
}

describe("cell ranges along the geohash order", () => {
  it("numbers cells in the Z order, which is the order of their hashes as text", () => {
    expect(zIndex("0")).toBe(0);
    expect(zIndex("z")).toBe(31);
    expect(zIndex("10")).toBe(32);
    const sorted = [...BASE32].sort().join("");
    expect(sorted).toBe(BASE32);
    expect(nextCell("0z")).toBe("10");
    expect(nextCell("zz")).toBeUndefined();
  });

  it("merges consecutive cells into one range and leaves gaps as separate ranges", () => {
    expect(mergeCellRanges(["01", "00", "02", "04", "0z", "10"])).toEqual([
      { start: "00", end: "03", cells: 3 },
      { start: "04", end: "05", cells: 1 },
      { start: "0z", end: "11", cells: 2 },
    ]);
    expect(mergeCellRanges(["zz", "zy"])).toEqual([{ start: "zy", end: undefined, cells: 2 }]);
  });

  it("covers exactly the cells of a box, in fewer ranges than cells (brute force over boxes)", () => {
    const lat = fc.double({ min: -89, max: 89, noNaN: true });
    const lon = fc.double({ min: -179, max: 179, noNaN: true });
    fc.assert(
      fc.property(
        lat,
        lat,
        lon,
        fc.double({ min: 0.01, max: 20, noNaN: true }),
        fc.integer({ min: 2, max: 4 }),
        (a, b, w, width, l) => {
          const box = {
            south: Math.min(a, b),
            north: Math.max(a, b),
            west: w,
            east: Math.min(180, w + width),
          };
          const cells = cellsInBox(box, l).map((c) => c.hash);
          fc.pre(cells.length <= 5000);
          const ranges = mergeCellRanges(cells);
          expect(expand(ranges).sort()).toEqual([...cells].sort());
          expect(ranges.reduce((n, r) => n + r.cells, 0)).toBe(cells.length);
          // Any cell not in the cover lies in no range.
          const inCover = new Set(cells);
          const probe = ngeohash.encode((a + b) / 2 + 1, w - 1, l);
          const inRange = ranges.some(
            (r) => probe >= r.start && (r.end === undefined || probe < r.end),
          );
          expect(inRange).toBe(inCover.has(probe));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("splits ranges at partition prefixes so each piece reads one partition", () => {
    const ranges = mergeCellRanges(["0zy", "0zz", "100", "101", "zzz"]);
    const pieces = splitRangesAt(ranges, 1);
    expect(pieces).toEqual([
      { start: "0zy", end: "100", cells: 2 },
      { start: "100", end: "102", cells: 2 },
      { start: "zzz", end: undefined, cells: 1 },
    ]);
    expect(cellsBetween("0zy", "102")).toBe(4);
  });
});
