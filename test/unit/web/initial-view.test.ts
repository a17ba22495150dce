import { readFileSync } from "node:fs";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../src/servers/paths.js";

interface Region {
  south: number;
  west: number;
  north: number;
  east: number;
  lat: number;
  lon: number;
  events: number;
}
interface Cluster {
  lat: number;
  lon: number;
  count: number;
}
interface ViewApi {
  busiestRegion(clusters: Cluster[], options?: { radiusKm?: number }): Region | null;
}

/** The page's own file, run as the browser runs it: a classic script that sets a global. */
function loadPageScript(): ViewApi {
  const sandbox: { geoanomalyView?: ViewApi } = {};
  runInNewContext(readFileSync(path.join(REPO_ROOT, "web", "initial-view.js"), "utf8"), sandbox);
  if (sandbox.geoanomalyView === undefined) throw new Error("initial-view.js defined nothing");
  return sandbox.geoanomalyView;
}

describe("the map's initial view", () => {
  const view = loadPageScript();

  it("opens over the region with the most events, not over the single busiest cell", () => {
    const clusters: Cluster[] = [
      { lat: -33.9, lon: 151.2, count: 900 }, // Sydney alone
      { lat: 48.9, lon: 2.3, count: 500 }, // Paris,
      { lat: 51.5, lon: -0.1, count: 400 }, // London
      { lat: 52.5, lon: 13.4, count: 300 }, // and Berlin: 1,200 within 1,000 km of Paris
      { lat: 40.7, lon: -74.0, count: 50 },
    ];
    const r = view.busiestRegion(clusters);
    expect(r).not.toBeNull();
    if (r === null) return;
    expect([r.lat, r.lon]).toEqual([48.9, 2.3]);
    expect(r.events).toBe(1200);
    expect(r.west).toBeLessThan(-0.1);
    expect(r.east).toBeGreaterThan(13.4);
    expect(r.south).toBeLessThan(48.9);
    expect(r.north).toBeGreaterThan(52.5);
    expect(r.east - r.west).toBeLessThan(30); // Sydney and New York are not in the box
  });

  it("keeps at least a few degrees around a lone place and one box across the antimeridian", () => {
    const lone = view.busiestRegion([{ lat: 64.2, lon: -51.7, count: 3 }]);
    expect(lone?.north ?? 0).toBeGreaterThanOrEqual(67.2);
    expect(lone?.west ?? 0).toBeLessThanOrEqual(-54.7);
    const fiji = view.busiestRegion([
      { lat: -17.8, lon: 178.4, count: 40 },
      { lat: -16.5, lon: -179.9, count: 40 },
    ]);
    expect(fiji?.events).toBe(80);
    expect((fiji?.east ?? 0) - (fiji?.west ?? 0)).toBeLessThan(12);
  });

  it("has no region without events", () => {
    expect(view.busiestRegion([])).toBeNull();
    expect(view.busiestRegion([{ lat: 1, lon: 2, count: 0 }])).toBeNull();
  });
});
