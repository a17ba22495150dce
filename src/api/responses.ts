/**
 * Response shapes of the API as zod schemas, for the OpenAPI document. Responses are serialised
 * with JSON.stringify, not validated against these (the services' types already guarantee them).
 */
import { z } from "zod";

export const served = {
  from: z
    .string()
    .describe("start of the window actually served (clipped to what the length keeps)"),
  to: z.string().describe("end of the window served"),
  partitions: z.number().int().describe("(cell, time bucket) partitions read"),
  rowsRead: z
    .number()
    .int()
    .describe("rows read from storage for the answer (at most API_MAX_ROWS)"),
};

/** One stored event as the API answers it. */
export const event = z.object({
  id: z.string(),
  lat: z.number(),
  lon: z.number(),
  value: z.number(),
  time: z.string().describe("event time, ISO-8601"),
});

export const eventsAnswer = z.object({
  length: z.number().int().describe("geohash length whose table served the request"),
  ...served,
  events: z.array(event).describe("inside the box and window, newest first"),
  truncated: z.boolean().describe("more events than `limit` exist"),
});

/** One cluster of a zoom's precision. */
export const cluster = z.object({
  geohash: z.string(),
  count: z.number().int().describe("stored events of the cell in the window"),
  lat: z.number().describe("mean latitude of those events"),
  lon: z.number().describe("mean longitude of those events"),
  anomalies: z.number().int().describe("alerts of those events"),
});

export const clustersAnswer = z.object({
  mode: z
    .enum(["clusters", "events"])
    .describe("'events' past the cluster zooms or finer than every stored length"),
  precision: z.number().int().describe("geohash precision of the zoom"),
  length: z
    .number()
    .int()
    .describe("stored length read (clusters finer than precision are rolled up)"),
  ...served,
  clusters: z.array(cluster),
  events: z.array(event).optional().describe("mode 'events' only"),
  truncated: z.boolean().optional().describe("mode 'events' only"),
  anomaliesTruncated: z.boolean().optional(),
  summaryAsOf: z
    .string()
    .nullable()
    .optional()
    .describe(
      "clusters from the summary only: events stored before this time are counted (null before the first roll)",
    ),
});

/** The alert contract as published on Kafka (schema/anomaly-alert.v2.schema.json). */
export const alert = z.object({
  schemaVersion: z.literal(2),
  event: z.object({
    id: z.string(),
    lat: z.number(),
    lon: z.number(),
    time: z.string(),
    value: z.number(),
  }),
  score: z.number().describe("signed score in spread units"),
  threshold: z.number(),
  scorer: z.string(),
  direction: z.enum(["high", "low"]),
  expected: z.number(),
  spread: z.number(),
  neighbours: z.object({
    count: z.number().int(),
    medianDistanceMeters: z.number(),
    maxDistanceMeters: z.number(),
  }),
  search: z.object({
    geohashLength: z.number().int().describe("geohash length of the search's last read"),
    geohash: z.string(),
    coveredRadiusMeters: z.number(),
    maxDistanceMeters: z.number(),
    windowFrom: z.string(),
    windowTo: z.string(),
    outcome: z.enum(["complete", "bounded", "budget"]),
    reads: z.number().int(),
    rowsRead: z.number().int(),
  }),
  region: z.string(),
  detectedAt: z.string(),
});

export const anomaliesAnswer = z.object({
  length: z.number().int().describe("geohash length of the alert archive's regions"),
  ...served,
  anomalies: z
    .array(alert)
    .describe("alerts as published (schema/anomaly-alert.v2.schema.json), newest event first"),
  truncated: z.boolean(),
});

export const nearAnswer = z.object({
  lat: z.number(),
  lon: z.number(),
  time: z.string(),
  k: z.number().int(),
  search: z
    .record(z.string(), z.unknown())
    .describe(
      "the neighbour search: outcome, stopLength, coveredRadiusMeters, maxDistanceMeters, windowFromMs, windowToMs, reads, rowsRead, ...",
    ),
  neighbours: z.array(event.extend({ distanceMeters: z.number() })),
  verdict: z.looseObject({}).optional().describe("when `value` was given"),
});

export const errorAnswer = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  code: z.string(),
  message: z.string().describe("which parameter and rule, or how to narrow the query"),
});
