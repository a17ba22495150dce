/**
 * The API's routes: each validates its query with the schemas of params.ts, takes a slot of the
 * admission gate, gives the query service a budget (rows, wall time, the request's abort signal)
 * and answers its JSON. Nothing here knows Cassandra.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { z } from "zod";
import { requestedWindow } from "../domain/query/query-window.js";
import { queryAnomalies } from "../query/anomalies-query.js";
import { RequestBudget, type BudgetLimits } from "../query/budget.js";
import { queryClusters } from "../query/clusters-query.js";
import type { QueryContext } from "../query/context.js";
import { queryEvents } from "../query/events-query.js";
import { checkNearCost, queryNear, type NearEvaluator, type NearLimits } from "../query/near.js";
import type { AdmissionGate } from "./admission.js";
import type { ScopeConfig } from "./auth.js";
import { unavailable } from "./error-reply.js";
import {
  anomaliesCollection,
  clustersCollection,
  eventsCollection,
  GEOJSON_MEDIA_TYPE,
  wantsGeoJson,
  type Format,
} from "./geojson.js";
import { anomaliesGeoJson, clustersGeoJson, eventsGeoJson } from "./geojson-responses.js";
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
  /** What bounds the detector's search, to cost a near query before it runs. */
  readonly nearLimits: NearLimits;
}

export interface RouteGuards {
  readonly gate: AdmissionGate;
  readonly budget: BudgetLimits;
}

const WINDOW_NOTE =
  "Window: `from`/`to` (default the last hour); each geohash length keeps rows only for its TTL, " +
  "so the answer says which window it served.";

const REFUSALS =
  "400 when a parameter is wrong or the query is larger than one request may read (QUERY_TOO_LARGE, " +
  "saying how to narrow it); 503 with Retry-After when the server is busy or the query ran out of time.";

const errors = { 400: errorAnswer, 401: errorAnswer, 403: errorAnswer, 503: errorAnswer };

const GEOJSON_NOTE =
  `With \`format=geojson\`, or \`Accept: ${GEOJSON_MEDIA_TYPE}\` preferred to application/json, the ` +
  "answer is an RFC 7946 FeatureCollection: a Point Feature per item ([lon, lat]) with the item as its " +
  "properties, and the answer's other fields in its `metadata` member.";

/** A 200 answered as JSON or as GeoJSON, both described in the OpenAPI document. */
function jsonOrGeoJson<J extends z.ZodType, G extends z.ZodType>(json: J, geo: G) {
  return {
    200: {
      description: "the answer, as JSON or GeoJSON",
      content: { "application/json": { schema: json }, [GEOJSON_MEDIA_TYPE]: { schema: geo } },
    },
    ...errors,
  };
}
export function registerRoutes(app: FastifyInstance, deps: RouteDeps, guards: RouteGuards): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { ctx } = deps;
  const window = (q: { from?: number | undefined; to?: number | undefined }) =>
    requestedWindow(q.from, q.to, ctx.now());
  const budget = (req: FastifyRequest) => new RequestBudget(guards.budget, req.signal);

  /** Runs the query in a slot of the gate, or answers 503 at once when none is free. */
  const admitted = async <T>(
    reply: FastifyReply,
    work: () => Promise<T>,
  ): Promise<T | FastifyReply> => {
    const running = guards.gate.run(work);
    if (running === undefined) {
      return unavailable(
        reply,
        "API_BUSY",
        "every query slot is taken (API_MAX_CONCURRENT): try again shortly",
      );
    }
    return running;
  };
  const config = (scope: ScopeConfig["scope"]): ScopeConfig => ({ scope });

  /** The admitted query's answer, converted to GeoJSON when the request asks for it. */
  const answered = async <T>(
    req: { query: { format?: Format | undefined }; headers: { accept?: string | undefined } },
    reply: FastifyReply,
    work: () => Promise<T>,
    toGeoJson: (answer: T) => unknown,
  ): Promise<unknown> => {
    const result = await admitted(reply, work);
    const prior = reply.getHeader("vary");
    reply.header("vary", prior === undefined ? "Accept" : `${String(prior)}, Accept`);
    if (result === reply || !wantsGeoJson(req.query.format, req.headers.accept)) return result;
    void reply.type(GEOJSON_MEDIA_TYPE);
    return toGeoJson(result);
  };

  api.get(
    "/v1/events",
    {
      config: config("read"),
      schema: {
        summary: "Stored events inside a box, exactly",
        description:
          "The stored events inside `bbox` and the window, newest first, at most `limit`; " +
          "`truncated` when more exist. The box is covered with cells of one stored geohash length " +
          `chosen so the partitions read stay bounded, and every row of an edge cell is tested. ${WINDOW_NOTE} ${GEOJSON_NOTE} ${REFUSALS}`,
        querystring: eventsQuery,
        response: jsonOrGeoJson(eventsAnswer, eventsGeoJson),
      },
    },
    async (req, reply) =>
      answered(
        req,
        reply,
        () =>
          queryEvents(ctx, {
            box: req.query.bbox,
            window: window(req.query),
            limit: req.query.limit,
            budget: budget(req),
          }),
        eventsCollection,
      ),
  );

  api.get(
    "/v1/clusters",
    {
      config: config("map"),
      schema: {
        summary: "Clusters of events per web-map zoom",
        description:
          "Cells of the zoom's geohash precision touching `bbox`, each with its event count, mean " +
          "position and anomalies over the whole cell and window. Aggregated by Cassandra from the " +
          "precision's table, or rolled up from the next finer stored length. Past zoom 16, or finer " +
          `than every stored length, answers individual events (mode 'events'). ${WINDOW_NOTE} ${GEOJSON_NOTE} ${REFUSALS}`,
        querystring: clustersQuery,
        response: jsonOrGeoJson(clustersAnswer, clustersGeoJson),
      },
    },
    async (req, reply) =>
      answered(
        req,
        reply,
        () =>
          queryClusters(ctx, {
            box: req.query.bbox,
            zoom: req.query.zoom,
            window: window(req.query),
            limit: req.query.limit,
            budget: budget(req),
          }),
        clustersCollection,
      ),
  );

  api.get(
    "/v1/anomalies",
    {
      config: config("map"),
      schema: {
        summary: "Alerts inside a box",
        description:
          "The alerts of events inside `bbox` and the window, newest event first, as published on the " +
          `alert topic (schema/anomaly-alert.v2.schema.json). ${WINDOW_NOTE} ${GEOJSON_NOTE} ${REFUSALS}`,
        querystring: anomaliesQuery,
        response: jsonOrGeoJson(anomaliesAnswer, anomaliesGeoJson),
      },
    },
    async (req, reply) =>
      answered(
        req,
        reply,
        () =>
          queryAnomalies(ctx, {
            box: req.query.bbox,
            window: window(req.query),
            limit: req.query.limit,
            budget: budget(req),
          }),
        anomaliesCollection,
      ),
  );

  api.get(
    "/v1/near",
    {
      config: config("read"),
      schema: {
        summary: "The neighbours the detector would use at a point",
        description:
          "What `geoanomaly near` prints, as JSON: the outward search from the point (nothing is " +
          `stored), its neighbours with distances, and with \`value\` the verdict. ${REFUSALS}`,
        querystring: nearQuery,
        response: { 200: nearAnswer, ...errors },
      },
    },
    async (req, reply) => {
      checkNearCost(req.query.lat, req.query.lon, deps.nearLimits, {
        maxPartitions: ctx.maxPartitions,
        maxRows: guards.budget.maxRows,
      });
      return admitted(reply, () =>
        queryNear(deps.near, {
          lat: req.query.lat,
          lon: req.query.lon,
          k: req.query.k ?? deps.defaultK,
          timeMs: req.query.time ?? ctx.now(),
          ...(req.query.value === undefined ? {} : { value: req.query.value }),
        }),
      );
    },
  );
}
