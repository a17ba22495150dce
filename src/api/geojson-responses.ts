/**
 * The GeoJSON answers' shapes as zod schemas, for the OpenAPI document: an RFC 7946
 * FeatureCollection of Points whose properties are the JSON answer's items, and whose `metadata`
 * foreign member holds the JSON answer's other fields. Built from the JSON shapes in responses.ts,
 * so the two stay the same by construction.
 */
import { z } from "zod";
import {
  alert,
  anomaliesAnswer,
  cluster,
  clustersAnswer,
  event,
  eventsAnswer,
} from "./responses.js";

const point = z
  .object({
    type: z.literal("Point"),
    coordinates: z
      .tuple([z.number(), z.number()])
      .describe("[longitude, latitude] in degrees, WGS 84 (RFC 7946)"),
  })
  .describe("the item's position");

function featureCollection(
  properties: z.ZodType,
  id: string,
  metadata: z.ZodType,
  what: string,
): z.ZodType {
  return z
    .object({
      type: z.literal("FeatureCollection"),
      features: z.array(
        z.object({
          type: z.literal("Feature"),
          id: z.string().describe(id),
          geometry: point,
          properties,
        }),
      ),
      metadata: metadata.describe(
        "foreign member: the JSON answer's fields other than its items (window served, partitions, ...)",
      ),
    })
    .describe(`${what} as an RFC 7946 FeatureCollection (application/geo+json)`);
}

export const eventsGeoJson = featureCollection(
  event.describe("the event, as in the JSON answer"),
  "the event id",
  eventsAnswer.omit({ events: true }),
  "the events",
);

export const clustersGeoJson = featureCollection(
  z
    .union([cluster, event])
    .describe("the cluster (mode 'clusters') or the event (mode 'events'), as in the JSON answer"),
  "the cluster's geohash, or the event id in mode 'events'",
  clustersAnswer.omit({ clusters: true, events: true }),
  "the clusters, or the events in mode 'events'",
);

export const anomaliesGeoJson = featureCollection(
  alert.describe("the alert as published (schema/anomaly-alert.v2.schema.json)"),
  "the event id",
  anomaliesAnswer.omit({ anomalies: true }),
  "the alerts, each at its event's position",
);
