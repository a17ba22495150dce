/**
 * Hostile and careless requests against a real query API on real Cassandra, with events stored
 * through the detector: requests that once blocked the event loop and killed the server are
 * refused within 100 ms and the server answers the next request; far-future times are 400s; the
 * thin world strip is refused or answered within its row budget; tokens, the loopback default
 * and the security headers hold on a real socket.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { otherAddress, reaches } from "../support/net.js";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { tokenLine } from "../../src/api/tokens.js";
import { startQueryApp } from "../../src/app/query-app.js";
import { createLogger } from "../../src/observability/logger.js";
import { counter, waitFor } from "../support/wait.js";
import { createTestTopics } from "../support/helpers.js";
import { produceEvents, startTestDetector, testConfig } from "../support/detector.js";
import { dropKeyspaceAfterTest, getJson, inBox, startTestQueryApp } from "../support/query.js";
import { eventsIn, type KnownEvent } from "../support/events.js";

const STRIP = "-180,10.0001,180,10.0009";

async function timed(url: URL, init?: RequestInit) {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = (await res.json()) as { code?: string; message?: string; rowsRead?: number };
  return { status: res.status, body, ms: performance.now() - started, headers: res.headers };
}

describe("the query API under hostile requests, on real Cassandra", () => {
  it("refuses the costly requests at once, keeps serving, and holds the strip to its row budget", async () => {
    // Lengths 2 and 3 stored too (MAP_LENGTHS): the strip's events are then read from coarse
    // cells whose edge partitions hold the whole band, the costly case this test is about.
    const config = testConfig({ apiMaxRows: "1000", mapLengths: "2,3" });
    await createTestTopics(config);
    dropKeyspaceAfterTest(config);
    const detector = await startTestDetector(config);
    // A band of events around the whole world near 10°N (the strip's edge cells hold them all),
    // and a few inside the strip itself.
    const t0 = Date.now() - 10 * 60_000;
    const band = eventsIn("band", { south: 9.9, west: -180, north: 10.4, east: 180 }, 1500, t0, 7);
    const inside: KnownEvent[] = [-150, -60, 0, 45, 170].map((lon, i) => ({
      id: `strip-${i}`,
      lat: 10.0005,
      lon,
      value: 20,
      time: new Date(t0 + 60_000 + i).toISOString(),
    }));
    await produceEvents(config, [...band, ...inside]);
    await waitFor(
      "every event stored",
      async () => (await counter(detector, "geoanomaly_events_stored_total")) >= 1505,
    );

    const tight = await startTestQueryApp(config);
    const roomy = await startTestQueryApp({ ...config, apiMaxRows: 200_000 });
    // Started: each follows the alert topic for its live stream (joining a group is start-up work).
    await waitFor(
      "both APIs follow the alert topic",
      () => tight.streamLive() && roomy.streamLive(),
    );
    const at = (app: { url: string }, p: string) => new URL(p, app.url);
    const window = `from=${t0 - 60_000}&to=${Date.now() + 60_000}`;
    const small = `/v1/events?bbox=2.3,48.8,2.4,48.9&${window}`;

    // A running server: one ordinary request first (the first ever also loads code on both sides).
    expect((await timed(at(tight, small))).status).toBe(200);
    for (const zoom of [16, 9]) {
      const refused = await timed(at(tight, `/v1/clusters?bbox=-180,-90,180,90&zoom=${zoom}`));
      expect(refused.status, `zoom ${zoom}`).toBe(400);
      expect(refused.body.code).toBe("QUERY_TOO_LARGE");
      expect(refused.body.message).toMatch(/Zoom in, narrow the box or shorten the window/);
      expect(refused.ms, `zoom ${zoom} answered in ${refused.ms.toFixed(1)} ms`).toBeLessThan(100);
      const next = await timed(at(tight, small));
      expect(next.status).toBe(200);
      console.log(
        `[hostile] world at zoom ${zoom}: 400 in ${refused.ms.toFixed(1)} ms; next request 200 in ${next.ms.toFixed(1)} ms`,
      );
    }

    for (const p of [
      "/v1/events?bbox=2,48,3,49&from=9000000000000000&to=9000000000000000",
      "/v1/near?lat=48.85&lon=2.35&time=9e15",
      "/v1/near?lat=48.85&lon=2.35&time=9000000000000000",
    ]) {
      const res = await timed(at(tight, p));
      expect(res.status, p).toBe(400);
      expect(res.body.code, p).toBe("QUERY_INVALID");
      expect(res.body.message, p).toMatch(/^(from|time): /);
    }

    // The thin strip over the last hours: its edge cells hold the whole band. With a budget of
    // 1,000 rows it is refused saying so; with 200,000 it is answered, exactly, within it.
    const strip = `/v1/events?bbox=${STRIP}&${window}`;
    const refused = await timed(at(tight, strip));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: "QUERY_TOO_LARGE", message: /API_MAX_ROWS/ });
    const answered = await timed(at(roomy, strip));
    expect(answered.status).toBe(200);
    const events = (answered.body as unknown as { events: { id: string }[] }).events;
    const expected = [...band, ...inside]
      .filter((e) => inBox(e, [-180, 10.0001, 180, 10.0009]))
      .map((e) => e.id);
    expect(expected.length).toBeGreaterThanOrEqual(inside.length);
    expect(events.map((e) => e.id).sort()).toEqual(expected.sort());
    expect(answered.body.rowsRead).toBeGreaterThan(1000);
    expect(answered.body.rowsRead).toBeLessThanOrEqual(200_000);
    console.log(
      `[hostile] thin strip: refused in ${refused.ms.toFixed(0)} ms at 1,000 rows; answered in ` +
        `${answered.ms.toFixed(0)} ms reading ${answered.body.rowsRead} rows at 200,000`,
    );
    expect((await timed(at(tight, small))).status).toBe(200);
  });

  it("requires a token when a tokens file is set, binds loopback by default and sends security headers", async () => {
    const config = testConfig();
    await createTestTopics(config);
    dropKeyspaceAfterTest(config);
    await startTestDetector(config);
    const dir = mkdtempSync(path.join(tmpdir(), "geoanomaly-tokens-"));
    const file = path.join(dir, "tokens");
    writeFileSync(
      file,
      `${tokenLine("analyst", ["read"], "analyst-secret")}\n${tokenLine("wall", ["map"], "wall-secret")}\n`,
    );
    // The default host: no apiHost override.
    const app = await startQueryApp(
      { ...config, apiPort: 0, apiTokensFile: file },
      createLogger({ level: config.logLevel }),
    );
    onTestFinished(() => app.stop());
    expect(new URL(app.url).hostname).toBe("127.0.0.1");
    const other = otherAddress();
    if (other !== undefined)
      expect(await reaches(app.port, other), `the API answered on ${other}`).toBe(false);

    const events = new URL("/v1/events?bbox=2,48,3,49", app.url);
    const clusters = new URL("/v1/clusters?bbox=2,48,3,49&zoom=6", app.url);
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    expect((await timed(events)).status).toBe(401);
    expect((await timed(events, bearer("guess"))).status).toBe(401);
    expect((await timed(events, bearer("analyst-secret"))).status).toBe(200);
    const forbidden = await timed(events, bearer("wall-secret"));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe("FORBIDDEN");
    expect((await timed(clusters, bearer("wall-secret"))).status).toBe(200);

    const page = await fetch(new URL("/", app.url));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("access-control-allow-origin")).toBeNull();
    const open = await startTestQueryApp(config);
    expect((await getJson(open, "/v1/events?bbox=2,48,3,49")).status).toBe(200);
  });
});
