/**
 * The API's routes: each validates its query with the schemas of params.ts, calls one query
 * service and answers its JSON. Nothing here knows Cassandra.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { requestedWindow } from "../domain/query-window.js";
import { queryAnomalies } from "../query/anomalies-query.js";
import { queryClusters } from "../query/clusters-query.js";
import type { QueryContext } from "../query/context.js";
import { queryEvents } from "../query/events-query.js";
import { queryNear, type NearEvaluator } from "../query/near.js";
import { anomaliesQuery, clustersQuery, eventsQuery, nearQuery } from "./params.js";
import {
  anomaliesAnswer,
  clustersAnswer,
  errorAnswer,
  eventsAnswer,
  nearAnswer,
} from "./responses.js";

export interface RouteDeps {
  readonly ctx: QueryContext;
  readonly near: NearEvaluator;
  /** k when the request names none (SEARCH_K). */
  readonly defaultK: number;
}

const WINDOW_NOTE =
  "Window: `from`/`to` (default the last hour); each geohash length keeps rows only for its TTL, " +
  "so the answer says which window it served.";

export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { ctx } = deps;
  const window = (q: { from?: number | undefined; to?: number | undefined }) =>
    requestedWindow(q.from, q.to, ctx.now());

  api.get(
    "/v1/events",
    {
      schema: {
        summary: "Stored events inside a box, exactly",
        description:
          "The stored events inside `bbox` and the window, newest first, at most `limit`; " +
          "`truncated` when more exist. The box is covered with cells of one stored geohash length " +
          `chosen so the partitions read stay bounded, and every row of an edge cell is tested. ${WINDOW_NOTE}`,
        querystring: eventsQuery,
        response: { 200: eventsAnswer, 400: errorAnswer },
      },
    },
    async (req) =>
      queryEvents(ctx, { box: req.query.bbox, window: window(req.query), limit: req.query.limit }),
  );

  api.get(
    "/v1/clusters",
    {
      schema: {
        summary: "Clusters of events per web-map zoom",
        description:
          "Cells of the zoom's geohash precision touching `bbox`, each with its event count, mean " +
          "position and anomalies over the whole cell and window. Aggregated by Cassandra from the " +
          "precision's table, or rolled up from the next finer stored length. Past zoom 16, or finer " +
          `than every stored length, answers individual events (mode 'events'). ${WINDOW_NOTE}`,
        querystring: clustersQuery,
        response: { 200: clustersAnswer, 400: errorAnswer },
      },
    },
    async (req) =>
      queryClusters(ctx, {
        box: req.query.bbox,
        zoom: req.query.zoom,
        window: window(req.query),
        limit: req.query.limit,
      }),
  );

  api.get(
    "/v1/anomalies",
    {
      schema: {
        summary: "Alerts inside a box",
        description:
          "The alerts of events inside `bbox` and the window, newest event first, as published on the " +
          `alert topic (schema/anomaly-alert.v2.schema.json). ${WINDOW_NOTE}`,
        querystring: anomaliesQuery,
        response: { 200: anomaliesAnswer, 400: errorAnswer },
      },
    },
    async (req) =>
      queryAnomalies(ctx, {
        box: req.query.bbox,
        window: window(req.query),
        limit: req.query.limit,
      }),
  );

  api.get(
    "/v1/near",
    {
      schema: {
        summary: "The neighbours the detector would use at a point",
        description:
          "What `geoanomaly near` prints, as JSON: the outward search from the point (nothing is " +
          "stored), its neighbours with distances, and with `value` the verdict.",
        querystring: nearQuery,
        response: { 200: nearAnswer, 400: errorAnswer },
      },
    },
    async (req) =>
      queryNear(deps.near, {
        lat: req.query.lat,
        lon: req.query.lon,
        k: req.query.k ?? deps.defaultK,
        timeMs: req.query.time ?? ctx.now(),
        ...(req.query.value === undefined ? {} : { value: req.query.value }),
      }),
  );
}
