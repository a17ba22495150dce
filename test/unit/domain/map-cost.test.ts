import { describe, expect, it } from "vitest";
import { boxCellCount } from "../../../src/domain/geo/cover.js";
import { defaultLayout } from "../../../src/domain/sizing/layout.js";
import { viewportBox, zoomCosts } from "../../../src/domain/query/map-cost.js";

const VIEW = { widthPx: 1280, heightPx: 720, lat: 48.85, lon: 2.35 };

describe("map cost per zoom", () => {
  it("shows the whole world's width at zoom 2 and a few kilometres at zoom 16", () => {
    const world = viewportBox(VIEW, 2);
    expect(world.west).toBe(-180);
    expect(world.east).toBe(180);
    const street = viewportBox(VIEW, 16);
    expect(street.east - street.west).toBeCloseTo((1280 * 360) / (256 * 65536), 9);
  });

  it("reads each shown cell's finer cells when its precision is not stored", () => {
    const all = zoomCosts(defaultLayout([1, 2, 3, 4, 5, 6, 7, 8]), VIEW, 3_600_000);
    const fineOnly = zoomCosts(defaultLayout([4, 5, 6, 7, 8]), VIEW, 3_600_000);
    const z4all = all.find((c) => c.zoom === 4);
    const z4fine = fineOnly.find((c) => c.zoom === 4);
    expect(z4all?.length).toBe(3);
    expect(z4fine?.length).toBe(4);
    expect(z4fine?.cellsRead).toBe((z4fine?.cellsShown ?? 0) * 32);
    expect(z4all?.cellsRead).toBe(boxCellCount(viewportBox(VIEW, 4), 3));
    expect(z4fine?.partitions ?? 0).toBeGreaterThan(z4all?.partitions ?? 0);
    expect(all.find((c) => c.zoom === 18)?.mode).toBe("events");
  });

  it("reads the zooms up to the summary's source length from a few summary partitions", () => {
    const layout = defaultLayout([4, 5, 6, 7, 8]);
    const costs = zoomCosts(layout, VIEW, 3_600_000, 4);
    const z4 = costs.find((c) => c.zoom === 4);
    expect(z4).toMatchObject({ mode: "summary", precision: 3, length: 3, alertPartitions: 0 });
    expect(z4?.partitions).toBeLessThanOrEqual(3 * (z4?.cellsRead ?? 0));
    expect(z4?.partitions ?? Infinity).toBeLessThan(
      (zoomCosts(layout, VIEW, 3_600_000).find((c) => c.zoom === 4)?.partitions ?? 0) / 100,
    );
    expect(costs.find((c) => c.zoom === 9)?.mode).toBe("clusters");
  });
});
