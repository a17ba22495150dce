import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { GeoAnomalyError } from "../errors.js";
import type { LatencyRecorder } from "./latency.js";
import type { Logger } from "./logger.js";
import type { TracePage } from "./trace.js";

/** What the process says about itself: `live` for restarts, `ready` for taking traffic. */
export interface HealthReport {
  readonly ready: boolean;
  readonly live: boolean;
  readonly details: Record<string, unknown>;
}

export interface HttpServerOptions {
  /** 0 picks a free port; the caller decides whether to start the server at all. */
  readonly port: number;
  /**
   * Defaults to loopback (METRICS_HOST): /trace lists neighbour ids and positions. A container
   * sets 0.0.0.0 so a scraper or kubelet outside it can reach the probes.
   */
  readonly host?: string;
  readonly registry: Registry;
  readonly health: () => HealthReport;
  readonly logger: Logger;
  /**
   * When given, GET /latency serves its quantiles as JSON; POST /latency/reset answers the same
   * and starts a new measurement (a state change is never a GET).
   */
  readonly latency?: LatencyRecorder;
  /** When given, GET /trace?after=<seq>&limit=<n> serves sampled checks as JSON. */
  readonly trace?: { page(after: number, limit?: number): TracePage };
}

/** A started server: the port it actually bound, and a close that does not wait on idle clients. */
export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

const ROUTES = new Set(["/metrics", "/healthz", "/readyz", "/latency", "/latency/reset", "/trace"]);

/** A non-negative whole number from a query parameter, or the fallback. */
function wholeParam(raw: string | null, fallback: number): number {
  const n = Number(raw);
  return raw !== null && Number.isSafeInteger(n) && n >= 0 ? n : fallback;
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
): void {
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  send(req, res, status, "application/json; charset=utf-8", JSON.stringify(body));
}

/** Calls the health function without letting a throwing probe crash the request. */
function readHealth(health: () => HealthReport, logger: Logger): HealthReport {
  try {
    return health();
  } catch (err) {
    logger.error({ err }, "health check threw");
    return { ready: false, live: false, details: { error: String(err) } };
  }
}

/**
 * Serves /metrics, /healthz, /readyz (and /latency, /trace) on node:http, so probes and scrapes need no framework.
 * Reads only, apart from POST /latency/reset.
 * Resolves once listening; rejects (SERVER_PORT_BUSY when the port is taken) if binding fails.
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const { registry, health, logger } = opts;
  const host = opts.host ?? "127.0.0.1";
  let closing: Promise<void> | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (
      !ROUTES.has(path) ||
      (path.startsWith("/latency") && opts.latency === undefined) ||
      (path === "/trace" && opts.trace === undefined)
    )
      return sendJson(req, res, 404, { error: "not found" });
    if (path === "/latency/reset" && opts.latency !== undefined) {
      if (req.method !== "POST") {
        res.setHeader("Allow", "POST");
        return sendJson(req, res, 405, { error: "method not allowed: POST /latency/reset" });
      }
      const summary = opts.latency.summary();
      opts.latency.reset();
      return sendJson(req, res, 200, { unit: "ms", ...summary });
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return sendJson(req, res, 405, { error: "method not allowed" });
    }
    if (path === "/latency" && url.searchParams.has("reset")) {
      // The old read-and-reset GET: refused, so a caller relying on it notices at once.
      res.setHeader("Allow", "POST");
      return sendJson(req, res, 405, {
        error:
          "GET changes nothing: reset with POST /latency/reset (it answers the quantiles it reset)",
      });
    }
    if (path === "/metrics") {
      const text = await registry.metrics();
      return send(req, res, 200, registry.contentType, text);
    }
    if (path === "/latency" && opts.latency !== undefined) {
      return sendJson(req, res, 200, { unit: "ms", ...opts.latency.summary() });
    }
    if (path === "/trace" && opts.trace !== undefined) {
      const after = wholeParam(url.searchParams.get("after"), 0);
      const limit = Math.min(10_000, Math.max(1, wholeParam(url.searchParams.get("limit"), 1000)));
      return sendJson(req, res, 200, opts.trace.page(after, limit));
    }
    const report = readHealth(health, logger);
    if (path === "/healthz") {
      const live = report.live && closing === undefined;
      return sendJson(req, res, live ? 200 : 503, { live, shuttingDown: closing !== undefined });
    }
    const ready = report.ready && closing === undefined;
    return sendJson(req, res, ready ? 200 : 503, { ready, details: report.details });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err, url: req.url }, "observability request failed");
      if (!res.headersSent) sendJson(req, res, 500, { error: "internal error" });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE") {
        const where = `${host}:${opts.port}`;
        reject(
          new GeoAnomalyError("SERVER_PORT_BUSY", `metrics port ${where} is in use`, {
            cause: err,
          }),
        );
      } else {
        reject(err);
      }
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ port: opts.port, host });
  });

  const port = (server.address() as AddressInfo).port;
  server.on("error", (err) => logger.error({ err }, "observability server error"));
  logger.info({ host, port }, "observability server listening");

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err === undefined ? resolve() : reject(err)));
      // Keep-alive sockets (scrapers, probes) would otherwise hold close() open until they time out.
      server.closeAllConnections();
    });
    return closing;
  };

  return { port, close };
}
