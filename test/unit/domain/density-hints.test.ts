import { describe, expect, it } from "vitest";
import { DensityHints, HINT_MARGIN, radiusHint } from "../../../src/domain/detect/density-hints.js";
import type { SearchResult } from "../../../src/domain/detect/search.js";
import { neighboursAt, searchResult } from "../../support/outcomes.js";

function result(outcome: SearchResult["outcome"], distances: number[]): SearchResult {
  return searchResult({ outcome, neighbours: neighboursAt(distances) });
}

describe("radiusHint", () => {
  it("remembers the k-th distance of a complete search", () => {
    expect(radiusHint(result("complete", [10, 20, 30]), 3, 3_600_000)).toBe(30);
  });

  it("shrinks the hint of a search whose window a row limit cut: the place is denser", () => {
    // Window cut to a quarter of the horizon: k events over the whole horizon fit in half the radius.
    const cut = {
      ...result("complete", [10, 20, 30]),
      windowCut: true,
      windowFromMs: 0,
      windowToMs: 900_000,
    };
    expect(radiusHint(cut, 3, 3_600_000)).toBeCloseTo(15, 9);
  });

  it("remembers the bound for a sparse place, and nothing after a cut-short search", () => {
    expect(radiusHint(result("bounded", [10]), 3, 1)).toBe(25_000);
    expect(radiusHint(result("budget", [10]), 3, 1)).toBeUndefined();
  });
});

describe("DensityHints", () => {
  it("starts at the fallback, then a little beyond what sufficed here", () => {
    const hints = new DensityHints(2_000);
    expect(hints.startRadius("u09tvw0f")).toBe(2_000);
    hints.record("u09tvw0f", 100);
    expect(hints.startRadius("u09tvw0f")).toBeCloseTo(100 * HINT_MARGIN, 9);
    // A neighbouring length-6 cell in the same length-4 cell uses the regional hint.
    expect(hints.startRadius("u09tzzzz")).toBeCloseTo(100 * HINT_MARGIN, 9);
    expect(hints.startRadius("u0b00000")).toBe(2_000);
  });

  it("prefers the finest key and keeps each map bounded", () => {
    const hints = new DensityHints(2_000, 3);
    hints.record("u09tvw0f", 100);
    hints.record("u09tzzzz", 900);
    expect(hints.startRadius("u09tvw00")).toBeCloseTo(100 * HINT_MARGIN, 9);
    for (const h of ["aaaaaa00", "bbbbbb00", "cccccc00", "dddddd00"]) hints.record(h, 5);
    expect(hints.size).toBe(3);
  });

  it("ignores a search that says nothing", () => {
    const hints = new DensityHints(2_000);
    hints.record("u09tvw0f", undefined);
    expect(hints.size).toBe(0);
  });
});
