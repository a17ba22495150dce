import { request } from "node:http";
import type { Agent } from "node:http";
import { Agent as HttpAgent } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/observability/logger.js";
import type { HealthReport, HttpServer } from "../../../src/observability/http.js";
import { startHttpServer } from "../../../src/observability/http.js";
import { createMetrics } from "../../../src/observability/metrics.js";
import { LatencyRecorder } from "../../../src/observability/latency.js";
import { otherAddress, reaches } from "../../support/net.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, agent?: Agent, method = "GET"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const silent = createLogger({ level: "silent" });
const servers: HttpServer[] = [];

async function start(health: () => HealthReport, latency?: LatencyRecorder): Promise<HttpServer> {
  const { registry } = createMetrics();
  const server = await startHttpServer({
    port: 0,
    host: "127.0.0.1",
    registry,
    health,
    logger: silent,
    ...(latency === undefined ? {} : { latency }),
  });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("startHttpServer", () => {
  it("picks a free port and serves Prometheus text on /metrics", async () => {
    const server = await start(() => ({ ready: true, live: true, details: {} }));
    expect(server.port).toBeGreaterThan(0);
    const res = await get(server.port, "/metrics");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toContain("geoanomaly_events_consumed_total");
    expect(res.body).toContain("process_cpu_seconds_total");
  });

  it("flips /readyz with the health function and reports details", async () => {
    let report: HealthReport = { ready: false, live: true, details: { kafka: "connecting" } };
    const server = await start(() => report);
    const notReady = await get(server.port, "/readyz");
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toEqual({ ready: false, details: { kafka: "connecting" } });
    report = { ready: true, live: true, details: { kafka: "up" } };
    const ready = await get(server.port, "/readyz?verbose=1");
    expect(ready.status).toBe(200);
    expect(ready.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, details: { kafka: "up" } });
  });

  it("answers /healthz 200 while alive, even when not ready", async () => {
    const server = await start(() => ({ ready: false, live: true, details: {} }));
    const res = await get(server.port, "/healthz");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ live: true });
  });

  it("answers 503 on both probes when the health function throws", async () => {
    const server = await start(() => {
      throw new Error("probe bug");
    });
    expect((await get(server.port, "/readyz")).status).toBe(503);
    expect((await get(server.port, "/healthz")).status).toBe(503);
  });

  it("answers 404 for unknown paths", async () => {
    const server = await start(() => ({ ready: true, live: true, details: {} }));
    expect((await get(server.port, "/")).status).toBe(404);
    expect((await get(server.port, "/metrics/extra")).status).toBe(404);
  });

  it("closes promptly with a keep-alive client connected", async () => {
    const server = await start(() => ({ ready: true, live: true, details: {} }));
    const agent = new HttpAgent({ keepAlive: true, keepAliveMsecs: 60_000 });
    // A client stuck mid-request: server.close() alone would wait for headersTimeout on it.
    const stuck = connect(server.port, "127.0.0.1");
    stuck.on("error", () => undefined);
    try {
      const res = await get(server.port, "/healthz", agent);
      expect(res.status).toBe(200);
      await new Promise<void>((resolve) =>
        stuck.write("GET /healthz HTTP/1.1\r\nHost: x\r\n", () => resolve()),
      );
      const started = Date.now();
      await server.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      await server.close(); // idempotent
      await expect(get(server.port, "/healthz")).rejects.toThrow();
    } finally {
      agent.destroy();
      stuck.destroy();
    }
  });

  it("rejects with SERVER_PORT_BUSY when the port is taken", async () => {
    const first = await start(() => ({ ready: true, live: true, details: {} }));
    const { registry } = createMetrics();
    await expect(
      startHttpServer({
        port: first.port,
        host: "127.0.0.1",
        registry,
        health: () => ({ ready: true, live: true, details: {} }),
        logger: silent,
      }),
    ).rejects.toMatchObject({ code: "SERVER_PORT_BUSY" });
  });

  it("binds loopback unless told otherwise", async () => {
    const { registry } = createMetrics();
    const server = await startHttpServer({
      port: 0,
      registry,
      health: () => ({ ready: true, live: true, details: {} }),
      logger: silent,
    });
    servers.push(server);
    expect((await get(server.port, "/healthz")).status).toBe(200);
    // Another address of this host does not reach it.
    const other = otherAddress();
    if (other !== undefined)
      expect(await reaches(server.port, other), `reached on ${other}`).toBe(false);
  });

  it("changes nothing on GET: /latency reads, POST /latency/reset resets, GET ?reset=1 is refused", async () => {
    const latency = new LatencyRecorder();
    latency.recordSeconds(0.05);
    const server = await start(() => ({ ready: true, live: true, details: {} }), latency);
    const read = await get(server.port, "/latency");
    expect(read.status).toBe(200);
    expect(read.headers["x-content-type-options"]).toBe("nosniff");
    expect(JSON.parse(read.body)).toMatchObject({ unit: "ms", count: 1 });
    const oldReset = await get(server.port, "/latency?reset=1");
    expect(oldReset.status).toBe(405);
    expect(oldReset.headers["allow"]).toBe("POST");
    expect((JSON.parse(oldReset.body) as { error: string }).error).toMatch(/POST \/latency\/reset/);
    expect((await get(server.port, "/latency/reset")).status).toBe(405);
    expect(JSON.parse((await get(server.port, "/latency")).body)).toMatchObject({ count: 1 });
    const reset = await get(server.port, "/latency/reset", undefined, "POST");
    expect(reset.status).toBe(200);
    expect(JSON.parse(reset.body)).toMatchObject({ unit: "ms", count: 1 });
    expect(JSON.parse((await get(server.port, "/latency")).body)).toMatchObject({ count: 0 });
    expect((await get(server.port, "/metrics", undefined, "POST")).status).toBe(405);
  });
});
