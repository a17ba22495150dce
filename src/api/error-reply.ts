/**
 * One error handler for the API: every refusal says what to change. Bad parameters and queries
 * too large to serve are 400s; a busy server, a query out of time and an unavailable store are
 * 503s with Retry-After (trying again later can work); anything else is a 500, logged.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isGeoAnomalyError } from "../errors.js";

/** Seconds a client should wait before trying again after a 503. */
export const RETRY_AFTER_SECONDS = 2;

/** The body of every error answer (the OpenAPI `errorAnswer`). */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly code: string;
  readonly message: string;
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

function body(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, error: REASONS[statusCode] ?? "Client Error", code, message };
}

/** Answers 503 with Retry-After and a body saying why. */
export function unavailable(reply: FastifyReply, code: string, message: string): FastifyReply {
  return reply
    .code(503)
    .header("Retry-After", String(RETRY_AFTER_SECONDS))
    .send(body(503, code, message));
}

/** The API's error handler (Fastify `setErrorHandler`). */
export function replyToError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const message = err.validation
      .map((v) => `${v.instancePath.replace(/^\//, "") || "query"}: ${v.message}`)
      .join("; ");
    return reply.code(400).send(body(400, "QUERY_INVALID", message));
  }
  if (isGeoAnomalyError(err, "QUERY_TOO_LARGE") || isGeoAnomalyError(err, "QUERY_INVALID")) {
    return reply.code(400).send(body(400, err.code, err.message));
  }
  if (isGeoAnomalyError(err, "QUERY_TIMEOUT")) return unavailable(reply, err.code, err.message);
  if (err.code === "FST_ERR_HANDLER_TIMEOUT") {
    return unavailable(
      reply,
      "QUERY_TIMEOUT",
      "the query did not finish in time (API_REQUEST_TIMEOUT_MS): narrow the box, shorten the window or try again later",
    );
  }
  if (isGeoAnomalyError(err, "STORE_READ_FAILED") && err.retriable) {
    req.log.warn({ err, url: req.routeOptions.url }, "query failed: store not answering");
    return unavailable(reply, "STORE_UNAVAILABLE", "Cassandra is not answering; try again later");
  }
  const status = err.statusCode;
  if (status === 503) {
    return unavailable(reply, err.code, err.message);
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return reply.code(status).send(body(status, err.code, err.message));
  }
  req.log.error({ err, url: req.routeOptions.url }, "query failed");
  return reply
    .code(500)
    .send(
      body(500, "QUERY_FAILED", "the query failed while reading Cassandra; see the server log"),
    );
}
