/**
 * The query API's HTTP server (Fastify): zod-validated routes, their OpenAPI document at
 * /openapi.json, the map page, and one error handler that turns bad parameters and refused
 * queries into 400s saying what to change. Stateless: every answer comes from Cassandra.
 */
import fastifySwagger from "@fastify/swagger";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  validatorCompiler,
} from "fastify-type-provider-zod";
import { isGeoAnomalyError } from "../errors.js";
import type { Logger } from "../observability/logger.js";
import { registerPage, type PageConfig } from "./page.js";
import { registerRoutes, type RouteDeps } from "./routes.js";

export interface ApiOptions extends RouteDeps {
  readonly page: PageConfig;
  readonly logger: Logger;
}

interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
}

function badRequest(code: string, message: string): ErrorBody {
  return { statusCode: 400, error: "Bad Request", code, message };
}

/** Builds the server with every route registered; the caller listens (or injects, in tests). */
export async function buildApiServer(opts: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger as unknown as FastifyBaseLogger,
    // One log line per request would be one per map pan; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const message = err.validation
        .map((v) => `${v.instancePath.replace(/^\//, "") || "query"}: ${v.message}`)
        .join("; ");
      return reply.code(400).send(badRequest("QUERY_INVALID", message));
    }
    if (isGeoAnomalyError(err, "QUERY_TOO_LARGE") || isGeoAnomalyError(err, "QUERY_INVALID")) {
      return reply.code(400).send(badRequest(err.code, err.message));
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({
        statusCode: status,
        error: "Client Error",
        code: (err as { code?: string }).code ?? "CLIENT_ERROR",
        message: (err as Error).message,
      });
    }
    req.log.error({ err, url: req.url }, "query failed");
    return reply.code(500).send({
      statusCode: 500,
      error: "Internal Server Error",
      code: "QUERY_FAILED",
      message: "the query failed while reading Cassandra; see the server log",
    });
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "geoanomaly query API",
        description:
          "Events, clusters and anomalies by bounding box and time window, and the neighbours the detector " +
          "would use at a point. Read-only, from Cassandra. bbox=minLon,minLat,maxLon,maxLat; minLon > maxLon " +
          "crosses the antimeridian.",
        version: "1",
      },
    },
    transform: jsonSchemaTransform,
  });
  registerRoutes(app, opts);
  await registerPage(app, opts.page);
  app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());
  await app.ready();
  return app;
}
