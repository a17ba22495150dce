import { describe, expect, it } from "vitest";
import type { GeoEvent } from "../../src/domain/detect/event.js";
import { launchChromium } from "../support/browser.js";
import { createTestTopics } from "../support/helpers.js";
import { openTestDetector, storeEvents, summariseEvents, testConfig } from "../support/detector.js";
import { waitFor } from "../support/wait.js";
import { startTestQueryApp } from "../support/query.js";

interface MapState {
  lastClusters: { mode: string; clusters: { lat: number; lon: number; count: number }[] } | null;
  initialView: {
    source: string;
    region?: { south: number; west: number; north: number; east: number; events: number };
  };
}

/** `count` events around a place, a minute apart at most, within the last hour. */
function around(prefix: string, lat: number, lon: number, count: number): GeoEvent[] {
  const t0 = Date.now() - 10 * 60_000;
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    lat: lat + ((i % 9) - 4) * 0.02,
    lon: lon + ((i % 7) - 3) * 0.02,
    value: 20 + (i % 5) / 10,
    timeMs: t0 + i * 1000,
  }));
}

describe("the map page's first view in real headless Chromium", () => {
  it("opens over the busiest region when the address names no view, and where the address says otherwise", async () => {
    const config = testConfig();
    await createTestTopics(config);
    const parts = await openTestDetector(config);
    // Buenos Aires is the busiest single place, but Seoul and Osaka (830 km apart, in different
    // cells of the overview) together hold more: the page opens over them.
    const events = [
      ...around("buenos-aires", -34.61, -58.38, 100),
      ...around("seoul", 37.57, 126.98, 70),
      ...around("osaka", 34.69, 135.5, 60),
    ];
    await storeEvents(parts, events);
    // The overview's clusters come from the summary, which the detector would keep.
    await summariseEvents(config, events);
    const api = await startTestQueryApp(config);
    // The page's alert stream would get 503s (console errors) until the API follows the topic.
    await waitFor("the API's alert stream follows the topic", () => api.streamLive());
    const browser = await launchChromium({ width: 1100, height: 750 });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });

    await page.goto(api.url);
    await page.waitForFunction(
      () => (globalThis as unknown as { mapState?: MapState }).mapState?.lastClusters != null,
    );
    const state = await page.evaluate(
      () => (globalThis as unknown as { mapState: MapState }).mapState,
    );
    const view = await page.evaluate(() => {
      const map = (
        globalThis as unknown as {
          geoMap: { getZoom(): number; getBounds(): { contains(p: [number, number]): boolean } };
        }
      ).geoMap;
      const b = map.getBounds();
      return {
        zoom: map.getZoom(),
        seoul: b.contains([37.57, 126.98]),
        osaka: b.contains([34.69, 135.5]),
        buenosAires: b.contains([-34.61, -58.38]),
      };
    });
    expect(state.initialView.source).toBe("busiest");
    expect(state.initialView.region?.events).toBe(130);
    expect(view).toEqual({ zoom: 5, seoul: true, osaka: true, buenosAires: false });
    // What it shows is the clusters of those places, and the address now names the view.
    expect(state.lastClusters?.mode).toBe("clusters");
    const shown = state.lastClusters?.clusters.reduce((n, c) => n + c.count, 0);
    expect(shown).toBe(130);
    expect(page.url()).toMatch(/#5\/\d+\.\d+\/1\d\d\.\d+$/);

    // An address with a view is obeyed.
    const there = await browser.newPage();
    await there.goto(`${api.url}#4/-34.6/-58.4`);
    await there.waitForFunction(
      () => (globalThis as unknown as { mapState?: MapState }).mapState?.lastClusters != null,
    );
    const obeyed = await there.evaluate(() => ({
      source: (globalThis as unknown as { mapState: MapState }).mapState.initialView.source,
      zoom: (globalThis as unknown as { geoMap: { getZoom(): number } }).geoMap.getZoom(),
    }));
    expect(obeyed).toEqual({ source: "address", zoom: 4 });
    expect(problems).toEqual([]);
  });
});
