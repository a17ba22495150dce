/**
 * Query parameters of the API as zod schemas: they validate each request (a 400 names the
 * parameter and the rule), turn text into typed values, and document the routes in OpenAPI.
 */
import { z } from "zod";
import type { Box } from "../domain/geo/cover.js";
import { QUERY_TIME_MAX_MS, QUERY_TIME_MIN_MS } from "../domain/query/query-window.js";
import { MAX_ZOOM, MIN_ZOOM } from "../domain/query/zoom.js";
import { FORMATS, GEOJSON_MEDIA_TYPE } from "./geojson.js";

/** Most rows one request may ask for. */
export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 1000;

const BBOX_RULE =
  "must be minLon,minLat,maxLon,maxLat in degrees (lon in [-180, 180], lat in [-90, 90], " +
  "minLat <= maxLat; minLon > maxLon crosses the antimeridian)";

/** Parses `minLon,minLat,maxLon,maxLat` into a box, or says what is wrong with it. */
export function parseBbox(text: string): { box: Box } | { error: string } {
  const parts = text.split(",").map((p) => p.trim());
  const nums = parts.map((p) => (p === "" ? Number.NaN : Number(p)));
  if (parts.length !== 4 || nums.some((n) => !Number.isFinite(n))) {
    return { error: `${BBOX_RULE}; got ${parts.length} value(s) "${text}"` };
  }
  const [west, south, east, north] = nums as [number, number, number, number];
  if (west < -180 || west > 180 || east < -180 || east > 180) {
    return { error: `longitudes must be in [-180, 180]; ${BBOX_RULE}` };
  }
  if (south < -90 || south > 90 || north < -90 || north > 90) {
    return { error: `latitudes must be in [-90, 90]; ${BBOX_RULE}` };
  }
  if (south > north) return { error: `minLat ${south} is above maxLat ${north}; ${BBOX_RULE}` };
  return { box: { south, west, north, east } };
}

const TIME_RANGE =
  `must lie between ${new Date(QUERY_TIME_MIN_MS).toISOString()} and ` +
  `${new Date(QUERY_TIME_MAX_MS).toISOString()}`;

/** ISO-8601 date-time with a zone, or epoch milliseconds, to epoch ms. */
export function parseTime(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t))
    return undefined;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

const bbox = z
  .string({ error: `is required: ${BBOX_RULE}` })
  .transform((text, ctx) => {
    const parsed = parseBbox(text);
    if ("error" in parsed) {
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }
    return parsed.box;
  })
  .describe(`minLon,minLat,maxLon,maxLat; ${BBOX_RULE}`);

const time = (description: string) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const ms = parseTime(text);
      if (ms === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `must be an ISO-8601 date-time with a zone (2026-11-21T10:15:00Z) or epoch milliseconds; got "${text}"`,
        });
        return z.NEVER;
      }
      if (ms < QUERY_TIME_MIN_MS || ms > QUERY_TIME_MAX_MS) {
        ctx.addIssue({ code: "custom", message: `${TIME_RANGE}; got "${text}"` });
        return z.NEVER;
      }
      return ms;
    })
    .describe(
      `${description}: ISO-8601 date-time with a zone, or epoch milliseconds; ${TIME_RANGE}`,
    );

/** A number given as text: "is required" when absent, the rule when not a number in range. */
function numberParam(opts: {
  name: string;
  required: string;
  min: number;
  max: number;
  whole: boolean;
}) {
  const range = opts.whole ? `in ${opts.min}..${opts.max}` : `in [${opts.min}, ${opts.max}]`;
  const rule =
    opts.max === Number.MAX_VALUE
      ? "must be a finite number"
      : `must be a ${opts.whole ? "whole number" : "number"} ${range}`;
  return z
    .string({ error: `is required: ${opts.required}` })
    .transform((text, ctx) => {
      const n = text.trim() === "" ? Number.NaN : Number(text);
      if (
        !Number.isFinite(n) ||
        (opts.whole && !Number.isInteger(n)) ||
        n < opts.min ||
        n > opts.max
      ) {
        ctx.addIssue({ code: "custom", message: `${rule}; got "${text}"` });
        return z.NEVER;
      }
      return n;
    })
    .describe(opts.name);
}

const wholeNumber = (name: string, min: number, max: number) =>
  numberParam({ name, required: name, min, max, whole: true });

const limit = wholeNumber(
  `rows answered at most, newest first (default ${DEFAULT_LIMIT})`,
  1,
  MAX_LIMIT,
)
  .optional()
  .transform((n) => n ?? DEFAULT_LIMIT);

function windowOrder<T extends { from?: number | undefined; to?: number | undefined }>(
  q: T,
  ctx: z.RefinementCtx,
): void {
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
    ctx.addIssue({ code: "custom", path: ["from"], message: "must not be after 'to'" });
  }
}

export const windowQuery = {
  from: time("start of the time window (default: an hour before 'to')"),
  to: time("end of the time window (default: now)"),
};

/** `format`: the answer's form; it wins over the Accept header. */
const format = z
  .enum(FORMATS, { error: `must be one of ${FORMATS.join(", ")}` })
  .optional()
  .describe(
    `answer as the API's JSON ('json') or as an RFC 7946 FeatureCollection ('geojson', ${GEOJSON_MEDIA_TYPE}); ` +
      `default: GeoJSON when Accept prefers ${GEOJSON_MEDIA_TYPE}, else JSON`,
  );

export const eventsQuery = z
  .object({ bbox, ...windowQuery, limit, format })
  .superRefine(windowOrder);

export const anomaliesQuery = eventsQuery;

export const clustersQuery = z
  .object({
    bbox,
    zoom: numberParam({
      name: `web-map zoom level ${MIN_ZOOM}..${MAX_ZOOM}`,
      required: `a web-map zoom level, a whole number in ${MIN_ZOOM}..${MAX_ZOOM}`,
      min: MIN_ZOOM,
      max: MAX_ZOOM,
      whole: true,
    }),
    ...windowQuery,
    limit,
    format,
  })
  .superRefine(windowOrder);

/** The live alert stream: a box, and where to resume when the client cannot send Last-Event-ID. */
export const alertStreamQuery = z.object({
  bbox,
  lastEventId: z
    .string()
    .max(2000)
    .optional()
    .describe(
      "resume after this event id (the cursor an event of this stream carried); the Last-Event-ID header wins",
    ),
});

const degrees = (name: string, min: number, max: number) =>
  numberParam({
    name: `${name} in degrees`,
    required: `${name} in degrees, a number in [${min}, ${max}]`,
    min,
    max,
    whole: false,
  });

export const nearQuery = z.object({
  lat: degrees("latitude", -90, 90),
  lon: degrees("longitude", -180, 180),
  k: wholeNumber("neighbours wanted (default SEARCH_K)", 1, 1000).optional(),
  value: numberParam({
    name: "also score this value against the neighbours",
    required: "a number",
    min: -Number.MAX_VALUE,
    max: Number.MAX_VALUE,
    whole: false,
  }).optional(),
  time: time("search as of this time (default: now)"),
});
