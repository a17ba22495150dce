/**
 * GET /v1/alerts/stream: the alerts of a box as Server-Sent Events, live from the alert topic.
 * Each event is `event: alert`, `data:` the alert as archived, `id:` the cursor to resume after
 * it. A client that reconnects with `Last-Event-ID` (or `lastEventId`) first gets the archived
 * alerts it missed, then the live ones, the seam deduplicated by event id. Idle streams send a
 * comment line every API_STREAM_HEARTBEAT_MS; at most API_STREAM_MAX_CLIENTS are open at once.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { decodeCursor, type StreamKey } from "../domain/query/stream-cursor.js";
import { GeoAnomalyError } from "../errors.js";
import type { AlertHub } from "../query/alert-hub.js";
import { alertsSince } from "../query/alert-resume.js";
import { RequestBudget } from "../query/budget.js";
import type { QueryContext } from "../query/context.js";
import type { ScopeConfig } from "./auth.js";
import { RETRY_AFTER_SECONDS, unavailable } from "./error-reply.js";
import { alertStreamQuery } from "./params.js";
import { errorAnswer } from "./responses.js";
import type { RouteGuards } from "./routes.js";
import { SseStream } from "./sse-writer.js";

/** What the stream needs beyond the query context. */
export interface StreamDeps {
  readonly hub: AlertHub;
  /** Streams open at once (API_STREAM_MAX_CLIENTS). */
  readonly maxClients: number;
  /** Comment line interval of an idle stream (API_STREAM_HEARTBEAT_MS). */
  readonly heartbeatMs: number;
  /** How far before a cursor's detection time a resume reads (API_STREAM_RESUME_LOOKBACK_MS). */
  readonly resumeLookbackMs: number;
  /** How far ahead of now an event may lie (MAX_FUTURE_SKEW_MS). */
  readonly futureSkewMs: number;
}

const DESCRIPTION =
  "Server-Sent Events (text/event-stream): each alert published from now on whose event lies in `bbox`, " +
  "as `event: alert` with `data:` the alert as archived (schema/anomaly-alert.v2.schema.json) and `id:` " +
  "a cursor. Alerts go out in detection order (detectedAt, then event id). Reconnecting with " +
  "`Last-Event-ID: <cursor>` (EventSource does it) or `?lastEventId=<cursor>` first replays from the " +
  "alert archive the alerts of the box after the cursor, then continues live, none lost or repeated at " +
  "the seam. An idle stream sends a comment line every API_STREAM_HEARTBEAT_MS. 503 with Retry-After " +
  "when API_STREAM_MAX_CLIENTS streams are open or the alert feed is not connected; 400 for a bad box " +
  "or cursor, or a cursor too far behind to replay.";

/** Registers the stream route; its open streams end when the server closes. */
export function registerAlertStream(
  app: FastifyInstance,
  ctx: QueryContext,
  deps: StreamDeps,
  guards: RouteGuards,
): void {
  const open = new Set<SseStream>();
  app.addHook("preClose", (done) => {
    for (const s of open) s.close();
    done();
  });
  const config: ScopeConfig = { scope: "map" };

  app.withTypeProvider<ZodTypeProvider>().get(
    "/v1/alerts/stream",
    {
      config,
      schema: {
        summary: "New alerts inside a box, live (Server-Sent Events)",
        description: DESCRIPTION,
        querystring: alertStreamQuery,
        response: {
          200: {
            description: "an event stream that stays open",
            content: { "text/event-stream": { schema: z.string() } },
          },
          400: errorAnswer,
          401: errorAnswer,
          403: errorAnswer,
          503: errorAnswer,
        },
      },
    },
    async (req, reply) => {
      const { hub } = deps;
      if (!hub.live) {
        return unavailable(
          reply,
          "STREAM_UNAVAILABLE",
          "the alert stream is not following the alert topic yet (starting, or Kafka unreachable): try again shortly",
        );
      }
      if (hub.clients >= deps.maxClients) {
        return unavailable(
          reply,
          "STREAM_BUSY",
          `every alert stream slot is taken (API_STREAM_MAX_CLIENTS = ${deps.maxClients}): try again shortly`,
        );
      }
      const header = req.headers["last-event-id"];
      const text = (Array.isArray(header) ? header[0] : header) ?? req.query.lastEventId;
      let cursor: StreamKey | undefined;
      if (text !== undefined && text !== "") {
        const decoded = decodeCursor(text);
        if ("error" in decoded)
          throw new GeoAnomalyError("QUERY_INVALID", `Last-Event-ID: ${decoded.error}`);
        cursor = decoded.key;
      }
      // Subscribe before reading the archive: what is published meanwhile is collected, not missed.
      const sub = hub.subscribe(req.query.bbox);
      let replay: Awaited<ReturnType<typeof alertsSince>> = [];
      if (cursor !== undefined) {
        const from = cursor;
        try {
          const running = guards.gate.run(() =>
            alertsSince(ctx, {
              box: req.query.bbox,
              cursor: from,
              lookbackMs: deps.resumeLookbackMs,
              futureMs: deps.futureSkewMs,
              budget: new RequestBudget(guards.budget, req.signal),
            }),
          );
          if (running === undefined) {
            sub.close();
            return unavailable(
              reply,
              "API_BUSY",
              "every query slot is taken (API_MAX_CONCURRENT): try again shortly",
            );
          }
          replay = await running;
        } catch (err) {
          sub.close();
          throw err;
        }
      }
      if (req.raw.destroyed) {
        sub.close();
        return reply;
      }
      const stream = SseStream.start(req, reply, RETRY_AFTER_SECONDS * 1000);
      open.add(stream);
      const heartbeat = setInterval(() => stream.comment(), deps.heartbeatMs);
      stream.onClose(() => {
        clearInterval(heartbeat);
        sub.close();
        open.delete(stream);
      });
      sub.goLive(
        (alert, id) => stream.send({ id, event: "alert", data: JSON.stringify(alert) }),
        replay,
        cursor,
      );
      return reply;
    },
  );
}
