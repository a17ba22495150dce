import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../../../src/observability/http.js";
import { LatencyRecorder } from "../../../src/observability/latency.js";
import { createLogger } from "../../../src/observability/logger.js";
import { createMetrics } from "../../../src/observability/metrics.js";

function get(
  port: number,
  path: string,
  method = "GET",
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("LatencyRecorder", () => {
  it("keeps quantiles in ms at 3 significant digits and resets", () => {
    const r = new LatencyRecorder();
    expect(r.summary()).toMatchObject({ count: 0, p50: null, max: null });
    for (let i = 1; i <= 1000; i++) r.recordSeconds(i / 1000);
    r.recordSeconds(Number.NaN);
    r.recordSeconds(-1);
    const s = r.summary();
    expect(s.count).toBe(1001);
    expect(s.p50).toBeCloseTo(500, -1);
    expect(s.p99).toBeCloseTo(990, -1);
    expect(s.max).toBeCloseTo(1000, 0);
    r.reset();
    expect(r.summary().count).toBe(0);
  });

  it("is fed by the pipeline's endToEndSeconds next to the Prometheus histogram", () => {
    const m = createMetrics();
    m.pipeline.endToEndSeconds(0.025);
    expect(m.latency.summary().count).toBe(1);
    expect(m.latency.summary().p50).toBeCloseTo(25, 1);
  });
});

describe("GET /latency and POST /latency/reset", () => {
  let server: HttpServer | undefined;
  afterEach(async () => server?.close());

  it("serves the summary as JSON; POST /latency/reset answers it and resets", async () => {
    const m = createMetrics();
    m.pipeline.endToEndSeconds(0.01);
    server = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      registry: m.registry,
      latency: m.latency,
      health: () => ({ ready: true, live: true, details: {} }),
      logger: createLogger({ level: "silent" }),
    });
    const first = await get(server.port, "/latency/reset", "POST");
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ unit: "ms", count: 1 });
    expect(JSON.parse((await get(server.port, "/latency")).body)).toMatchObject({
      count: 0,
      p99: null,
    });
  });

  it("is 404 when no recorder was given", async () => {
    server = await startHttpServer({
      port: 0,
      host: "127.0.0.1",
      registry: createMetrics().registry,
      health: () => ({ ready: true, live: true, details: {} }),
      logger: createLogger({ level: "silent" }),
    });
    expect((await get(server.port, "/latency")).status).toBe(404);
  });
});
