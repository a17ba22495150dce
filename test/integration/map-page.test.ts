import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tokenLine } from "../../src/api/tokens.js";
import { REPO_ROOT } from "../../src/servers/paths.js";
import { launchChromium } from "../support/browser.js";
import { eventsAt, oneEvent } from "../support/events.js";
import { produceEvents, testConfig } from "../support/detector.js";
import { waitFor } from "../support/wait.js";
import { startCheckedStack, startTestQueryApp } from "../support/query.js";

/** Where the browser test leaves its screenshot (git-ignored). */
const SCREENSHOT = path.join(REPO_ROOT, "test-results", "map-page.png");

interface MapState {
  clusterDraws: number;
  anomalyDraws: number;
  lastClusters: { mode: string; precision: number; clusters: unknown[] } | null;
  stream: { state: string; alerts: number; bbox: string | null };
}

describe("the map page in real headless Chromium", () => {
  it("loads without console errors, draws clusters that split when zoomed in, opens an anomaly's popup with its score, shows a new anomaly from the live stream, and works with a token", async () => {
    const config = testConfig();
    // Two places 45 km apart: one cluster at zoom 3 (precision 2), separate ones at zoom 9 (precision 5).
    const t0 = Date.now() - 5 * 60_000;
    const normals = [
      ...eventsAt("paris", 48.8566, 2.3522, 60, 20, t0),
      ...eventsAt("meaux", 48.96, 2.88, 60, 20, t0 + 5),
      ...eventsAt("melun", 48.54, 2.66, 40, 20, t0 + 7),
    ];
    const spike = oneEvent("spike-map", [48.85661, 2.35221], 42, Date.now() - 20_000);
    const { api, alerts } = await startCheckedStack(config, normals, spike);
    // The page's stream would get 503s (console errors) until the API follows the alert topic.
    await waitFor("the API's alert stream follows the topic", () => api.streamLive());
    const browser = await launchChromium({ width: 1100, height: 750 });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("requestfailed", (r) => {
      const error = r.failure()?.errorText ?? "failed";
      // The page closes the previous view's stream itself when the view changes.
      if (r.url().includes("/v1/alerts/stream") && error === "net::ERR_ABORTED") return;
      problems.push(`${r.url()}: ${error}`);
    });

    await page.goto(`${api.url}#3/48.75/2.6`);
    const state = (): Promise<MapState> =>
      page.evaluate(() => (globalThis as unknown as { mapState: MapState }).mapState);
    await page.waitForFunction(
      () => (globalThis as unknown as { mapState?: MapState }).mapState?.lastClusters != null,
    );
    const wide = await state();
    expect(wide.lastClusters?.mode).toBe("clusters");
    expect(wide.lastClusters?.precision).toBe(2);
    const wideCircles = await page.locator("path.cluster").count();
    expect(wideCircles).toBeGreaterThanOrEqual(1);

    // Zoom in with the zoom control, as a person would, six steps: zoom 9, precision 5.
    for (let i = 0; i < 6; i++) {
      await page.locator(".leaflet-control-zoom-in").click();
      await page.waitForTimeout(350);
    }
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { mapState: MapState }).mapState.lastClusters?.precision === 5,
    );
    await page.waitForTimeout(300);
    const closeCircles = await page.locator("path.cluster").count();
    expect(closeCircles).toBeGreaterThan(wideCircles);
    expect(closeCircles).toBeGreaterThanOrEqual(3);

    // The anomaly's marker opens a popup with its score.
    const marker = page.locator(".anomaly-marker").first();
    await marker.waitFor({ state: "visible" });
    await marker.click();
    const popup = page.locator(".leaflet-popup-content");
    await popup.waitFor({ state: "visible" });
    const text = await popup.innerText();
    expect(text).toContain("spike-map");
    expect(text).toMatch(/score\s+-?\d+\.\d+/);
    expect(text).toMatch(/value\s+42\.00/);
    expect(text).toContain("neighbours");
    expect(text).toContain("search length");

    // A new anomaly reaches the page through the live stream: its marker appears, and no
    // /v1/anomalies request is made for it.
    await page.waitForFunction(
      () => (globalThis as unknown as { mapState: MapState }).mapState.stream.state === "open",
    );
    const anomalyReads: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/v1/anomalies") anomalyReads.push(r.url());
    });
    await produceEvents(config, [oneEvent("spike-live", [48.8567, 2.3523], 44)]);
    await waitFor("the live spike's alert", () => alerts.length >= 2);
    const live = page.locator('.anomaly-marker[title="anomaly spike-live"]');
    await live.waitFor({ state: "visible", timeout: 15_000 });
    expect(anomalyReads).toEqual([]);
    expect((await state()).stream.alerts).toBeGreaterThanOrEqual(1);

    await page.waitForTimeout(400); // let the popup finish fading in
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // The same data behind a token: the page opened once with ?token= keeps it for the tab,
    // drops it from the address and sends it with every API request.
    const dir = mkdtempSync(path.join(tmpdir(), "geoanomaly-tokens-"));
    const file = path.join(dir, "tokens");
    writeFileSync(file, `${tokenLine("wall", ["map"], "wall-display-token")}\n`);
    const guarded = await startTestQueryApp({ ...config, apiTokensFile: file });
    await waitFor("the guarded API's alert stream follows the topic", () => guarded.streamLive());
    const apiRequests: { url: string; authorization: string | undefined }[] = [];
    const tokenPage = await browser.newPage();
    tokenPage.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    tokenPage.on("pageerror", (e) => problems.push(e.message));
    tokenPage.on("request", (r) => {
      if (new URL(r.url()).pathname.startsWith("/v1/"))
        apiRequests.push({ url: r.url(), authorization: r.headers()["authorization"] });
    });
    await tokenPage.goto(`${guarded.url}?token=wall-display-token#9/48.75/2.6`);
    await tokenPage.waitForFunction(
      () => (globalThis as unknown as { mapState?: MapState }).mapState?.lastClusters != null,
    );
    const guardedState = await tokenPage.evaluate(
      () => (globalThis as unknown as { mapState: MapState }).mapState,
    );
    expect(guardedState.lastClusters?.precision).toBe(5);
    await tokenPage.locator(".anomaly-marker").first().waitFor({ state: "visible" });
    expect(tokenPage.url()).not.toContain("token");
    expect(apiRequests.length).toBeGreaterThanOrEqual(2);
    for (const r of apiRequests) {
      expect(r.authorization).toBe("Bearer wall-display-token");
      expect(r.url).not.toContain("wall-display-token");
    }
    expect(problems).toEqual([]);

    // Without the token the page says what to do instead of drawing nothing.
    const bare = await browser.newPage();
    await bare.goto(`${guarded.url}#9/48.75/2.6`);
    const error = bare.locator("#error");
    await error.waitFor({ state: "visible" });
    expect(await error.innerText()).toMatch(/needs a token.*\?token=/);
  });
});
