import { describe, expect, it } from "vitest";
import { parseTokens, tokenLine, type TokenTable } from "../../../src/api/tokens.js";
import { GeoAnomalyError } from "../../../src/errors.js";
import type { BoxRead, EventReader } from "../../../src/query/ports.js";
import { apiForTest } from "./fixture.js";

const PARIS = "bbox=2.3,48.8,2.4,48.9";

function tokens(): TokenTable {
  const parsed = parseTokens(
    [tokenLine("analyst", ["read"], "read-token"), tokenLine("wall", ["map"], "map-token")].join(
      "\n",
    ),
  );
  if (!("table" in parsed)) throw new Error(parsed.problems.join("; "));
  return parsed.table;
}

/** An event reader whose reads wait until released (or until the request's budget says stop). */
function blockingEvents() {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let started = 0;
  const events: EventReader = {
    async newestInBox(_l: number, read: BoxRead) {
      started++;
      for (;;) {
        read.budget.msLeft(); // throws QUERY_TIMEOUT once the request is out of time
        const done = await Promise.race([
          released.then(() => true),
          new Promise<false>((r) => setTimeout(() => r(false), 10)),
        ]);
        if (done) return { rows: [], truncated: false, partitions: read.cells.length };
      }
    },
    cellSums: () => Promise.resolve([]),
  };
  return { events, release, started: () => started };
}

describe("bearer tokens", () => {
  it("answers 401 without a known token, 403 for a scope that does not cover the route, 200 with one", async () => {
    const app = await apiForTest({ guard: { tokens: tokens() } });
    const get = (url: string, authorization?: string) =>
      app.inject({
        method: "GET",
        url,
        headers: authorization === undefined ? {} : { authorization },
      });

    const none = await get(`/v1/events?${PARIS}`);
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(none.json()).toMatchObject({ code: "UNAUTHORIZED", message: /Authorization: Bearer/ });
    expect((await get(`/v1/events?${PARIS}`, "Bearer wrong-token")).statusCode).toBe(401);
    expect((await get(`/v1/events?${PARIS}`, "Basic cmVhZC10b2tlbg==")).statusCode).toBe(401);
    expect((await get(`/v1/near?lat=0&lon=0`, "Bearer nope")).statusCode).toBe(401);

    expect((await get(`/v1/events?${PARIS}`, "Bearer read-token")).statusCode).toBe(200);
    expect((await get(`/v1/clusters?${PARIS}&zoom=9`, "Bearer read-token")).statusCode).toBe(200);

    const forbidden = await get(`/v1/events?${PARIS}`, "Bearer map-token");
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({
      code: "FORBIDDEN",
      message: 'token "wall" has scope map; /v1/events needs read',
    });
    expect((await get(`/v1/clusters?${PARIS}&zoom=9`, "Bearer map-token")).statusCode).toBe(200);
    expect((await get(`/v1/anomalies?${PARIS}`, "Bearer map-token")).statusCode).toBe(200);

    // The page and its assets hold no data and stay open, so a browser can load them first.
    expect((await get("/")).statusCode).toBe(200);
    expect((await get("/map.js")).statusCode).toBe(200);
    expect((await get("/config.json")).statusCode).toBe(200);
  });

  it("leaves the query routes open without a tokens file", async () => {
    const app = await apiForTest();
    expect((await app.inject({ url: `/v1/events?${PARIS}` })).statusCode).toBe(200);
  });
});

describe("response headers", () => {
  it("sends a Content-Security-Policy that frames nothing, nosniff and no CORS by default", async () => {
    const app = await apiForTest({ tileUrl: "https://{s}.tiles.example/{z}/{x}/{y}.png" });
    const page = await app.inject({ url: "/" });
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("img-src 'self' data: https://*.tiles.example");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.headers["x-frame-options"]).toBe("DENY");
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    const api = await app.inject({
      url: `/v1/events?${PARIS}`,
      headers: { origin: "https://elsewhere.example" },
    });
    expect(api.statusCode).toBe(200);
    expect(api.headers["x-content-type-options"]).toBe("nosniff");
    expect(api.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("allows CORS for the listed origins only, the Authorization header included", async () => {
    const app = await apiForTest({
      guard: { corsOrigins: ["https://maps.example"], tokens: tokens() },
    });
    const preflight = await app.inject({
      method: "OPTIONS",
      url: `/v1/events?${PARIS}`,
      headers: {
        origin: "https://maps.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://maps.example");
    expect(String(preflight.headers["access-control-allow-headers"])).toMatch(/Authorization/i);
    const allowed = await app.inject({
      url: `/v1/events?${PARIS}`,
      headers: { origin: "https://maps.example", authorization: "Bearer read-token" },
    });
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://maps.example");
    const other = await app.inject({
      url: `/v1/events?${PARIS}`,
      headers: { origin: "https://elsewhere.example", authorization: "Bearer read-token" },
    });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("load and time limits", () => {
  it("answers 503 with Retry-After when every query slot is taken, and serves again after", async () => {
    const blocking = blockingEvents();
    const app = await apiForTest({ events: blocking.events, guard: { maxConcurrent: 1 } });
    const first = app.inject({ url: `/v1/events?${PARIS}` });
    while (blocking.started() === 0) await new Promise((r) => setTimeout(r, 5));
    const busy = await app.inject({ url: `/v1/anomalies?${PARIS}` });
    expect(busy.statusCode).toBe(503);
    expect(busy.headers["retry-after"]).toBe("2");
    expect(busy.json()).toMatchObject({ code: "API_BUSY", message: /API_MAX_CONCURRENT/ });
    blocking.release();
    expect((await first).statusCode).toBe(200);
    expect((await app.inject({ url: `/v1/anomalies?${PARIS}` })).statusCode).toBe(200);
  });

  it("answers 503 once a request runs out of time, stops its reads and frees its slot", async () => {
    const blocking = blockingEvents();
    const app = await apiForTest({
      events: blocking.events,
      guard: { maxConcurrent: 1, requestTimeoutMs: 300 },
    });
    const started = Date.now();
    const slow = await app.inject({ url: `/v1/events?${PARIS}` });
    expect(slow.statusCode).toBe(503);
    expect(slow.headers["retry-after"]).toBe("2");
    expect(slow.json()).toMatchObject({ code: "QUERY_TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(2000);
    // The reader saw the abort at its next check, so the slot is free again.
    await new Promise((r) => setTimeout(r, 50));
    expect((await app.inject({ url: `/v1/anomalies?${PARIS}` })).statusCode).toBe(200);
  });

  it("answers 400 naming the parameter for times outside 1970..2099, never a 500", async () => {
    const app = await apiForTest();
    const cases: [string, RegExp][] = [
      [`/v1/events?${PARIS}&from=9000000000000000&to=9000000000000000`, /^from: must lie between/],
      [`/v1/anomalies?${PARIS}&to=4102444800000`, /^to: must lie between/],
      [`/v1/clusters?${PARIS}&zoom=3&from=-1`, /^from: must lie between/],
      ["/v1/near?lat=0&lon=0&time=9e15", /^time: must be an ISO-8601/],
      ["/v1/near?lat=0&lon=0&time=9000000000000000", /^time: must lie between/],
      [`/v1/events?${PARIS}&to=+275760-09-13T00:00:00Z`, /^to: must be an ISO-8601/],
    ];
    for (const [url, message] of cases) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ message: string }>().message, url).toMatch(message);
    }
    const last = await app.inject({ url: `/v1/events?${PARIS}&to=2099-12-31T23:59:59.999Z` });
    expect(last.statusCode).toBe(200);
  });

  it("refuses a search whose worst case is over the budget (near the poles) before reading", async () => {
    let evaluated = 0;
    const app = await apiForTest({
      near: () => {
        evaluated++;
        return Promise.reject(new Error("not reached"));
      },
    });
    const res = await app.inject({ url: "/v1/near?lat=89.99&lon=0" });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: "QUERY_TOO_LARGE", message: /API_MAX_ROWS/ });
    expect(evaluated).toBe(0);
  });

  it("answers 503 when the store does not answer, 500 only for a fault of its own", async () => {
    const failing = (err: Error): EventReader => ({
      newestInBox: () => Promise.reject(err),
      cellSums: () => Promise.reject(err),
    });
    const down = await apiForTest({
      events: failing(
        new GeoAnomalyError("STORE_READ_FAILED", "no host available", { retriable: true }),
      ),
    });
    const unavailable = await down.inject({ url: `/v1/events?${PARIS}` });
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.json()).toMatchObject({ code: "STORE_UNAVAILABLE" });
    const broken = await apiForTest({ events: failing(new TypeError("a bug")) });
    const failed = await broken.inject({ url: `/v1/events?${PARIS}` });
    expect(failed.statusCode).toBe(500);
    expect(failed.json()).toMatchObject({ code: "QUERY_FAILED" });
  });
});
