/**
 * The query API's HTTP server (Fastify): zod-validated routes, their OpenAPI document at
 * /openapi.json, the map page, and the guards around them: socket and handler timeouts, a heap
 * guard (@fastify/under-pressure), a limit on queries served at once, optional bearer tokens,
 * security headers and CORS by allow-list. Every answer comes from Cassandra, except the live alert
 * stream, which follows the alert topic and resumes from the alert archive.
 */
import { getHeapStatistics } from "node:v8";
import fastifySwagger from "@fastify/swagger";
import fastifyUnderPressure from "@fastify/under-pressure";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { jsonSchemaTransform, validatorCompiler } from "fastify-type-provider-zod";
import type { Logger } from "../observability/logger.js";
import { AdmissionGate } from "./admission.js";
import { registerAlertStream, type StreamDeps } from "./alert-stream-route.js";
import { requireTokens } from "./auth.js";
import { replyToError, RETRY_AFTER_SECONDS } from "./error-reply.js";
import { registerHeaders } from "./headers.js";
import { registerPage, type PageConfig } from "./page.js";
import { registerRoutes, type RouteDeps } from "./routes.js";
import type { TokenTable } from "./tokens.js";

/** What guards the API: budgets, limits and who may call it. */
export interface ApiGuard {
  /** Rows one request may read (API_MAX_ROWS). */
  readonly maxRows: number;
  /** Wall time of one request, statements included (API_REQUEST_TIMEOUT_MS). */
  readonly requestTimeoutMs: number;
  /** Queries served at once (API_MAX_CONCURRENT). */
  readonly maxConcurrent: number;
  /** Accepted tokens; undefined: the query routes are open. */
  readonly tokens: TokenTable | undefined;
  /** Origins allowed to call from a browser (CORS); empty: none. */
  readonly corsOrigins: readonly string[];
}

export interface ApiOptions extends RouteDeps {
  /** The live alert stream; absent: GET /v1/alerts/stream is not served. */
  readonly stream?: StreamDeps;
  readonly page: PageConfig;
  readonly logger: Logger;
  readonly guard: ApiGuard;
}

/**
 * Share of the V8 heap limit past which every request is shed with a 503 until collections bring
 * it down: the last line before an out-of-memory abort. (Event loop delay is not used: on a
 * shared machine it sheds healthy requests, and the budgets already bound each request's work.)
 */
const MAX_HEAP_SHARE = 0.85;
/** An idle keep-alive connection is closed after this (the Node default). */
const KEEP_ALIVE_TIMEOUT_MS = 5000;

/** Builds the server with every route registered; the caller listens (or injects, in tests). */
export async function buildApiServer(opts: ApiOptions): Promise<FastifyInstance> {
  const { guard } = opts;
  const app = Fastify({
    loggerInstance: opts.logger as unknown as FastifyBaseLogger,
    // One log line per request would be one per map pan; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // The whole request (headers included) must arrive within the request time, a connection
    // may not sit silent longer, and no handler runs past it: its signal aborts the reads.
    requestTimeout: guard.requestTimeoutMs,
    connectionTimeout: guard.requestTimeoutMs + KEEP_ALIVE_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    handlerTimeout: guard.requestTimeoutMs,
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(replyToError);
  await app.register(fastifyUnderPressure, {
    maxHeapUsedBytes: Math.floor(getHeapStatistics().heap_size_limit * MAX_HEAP_SHARE),
    retryAfter: RETRY_AFTER_SECONDS,
    message: "the server is overloaded: try again shortly",
  });
  await registerHeaders(app, { tileUrl: opts.page.tileUrl, corsOrigins: guard.corsOrigins });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "geoanomaly query API",
        description:
          "Events, clusters and anomalies by bounding box and time window (as JSON or GeoJSON), new alerts " +
          "live as Server-Sent Events, and the neighbours the detector would use at a point. Read-only. " +
          "bbox=minLon,minLat,maxLon,maxLat; minLon > maxLon crosses the antimeridian.",
        version: "1",
      },
      ...(guard.tokens === undefined
        ? {}
        : {
            components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
            security: [{ bearer: [] }],
          }),
    },
    transform: jsonSchemaTransform,
  });
  const gate = new AdmissionGate(guard.maxConcurrent);
  // The query routes in their own context, so the token check covers them and not the page.
  await app.register(async (queries) => {
    if (guard.tokens !== undefined) await requireTokens(queries, guard.tokens);
    const guards = { gate, budget: { maxRows: guard.maxRows, timeoutMs: guard.requestTimeoutMs } };
    registerRoutes(queries, opts, guards);
    if (opts.stream !== undefined) registerAlertStream(queries, opts.ctx, opts.stream, guards);
  });
  await registerPage(app, opts.page);
  app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());
  await app.ready();
  return app;
}
