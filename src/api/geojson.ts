/**
 * The API's answers as GeoJSON (RFC 7946), for map clients and GIS tools (MapLibre, OpenLayers,
 * QGIS, Kepler.gl) that read a FeatureCollection as it is. Each item of the JSON answer becomes a
 * Feature with a Point at its position ([lon, lat], WGS 84) and the item's own fields, unchanged,
 * as its properties; the answer's other fields (window served, partitions, truncated, ...) go in a
 * `metadata` foreign member, so nothing the JSON answer says is lost. Pure: no I/O.
 */
import negotiate from "@fastify/accept-negotiator";
import type { Feature, FeatureCollection, Point } from "geojson";
import type { AnomalyAlert } from "../domain/detect/alert.js";
import type { AnomaliesAnswer } from "../query/anomalies-query.js";
import type { ClustersAnswer } from "../query/clusters-query.js";
import type { EventJson, EventsAnswer } from "../query/events-query.js";

/** The media type of a GeoJSON answer (RFC 7946, section 12). */
export const GEOJSON_MEDIA_TYPE = "application/geo+json";

/** The `format` query parameter's values. */
export const FORMATS = ["json", "geojson"] as const;
export type Format = (typeof FORMATS)[number];

/** A FeatureCollection of points with the answer's other fields as a foreign member. */
export interface PointCollection<P> extends FeatureCollection<Point, P> {
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * Whether to answer GeoJSON: `format` when given; else the Accept header, when it prefers
 * application/geo+json to application/json (wildcards and anything else mean the API's JSON).
 */
export function wantsGeoJson(format: Format | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === "geojson";
  if (accept === undefined || accept === "") return false;
  return negotiate(accept, ["application/json", GEOJSON_MEDIA_TYPE]) === GEOJSON_MEDIA_TYPE;
}

/** A Feature with a Point at (lon, lat) and `id` as the Feature's id. */
export function pointFeature<P>(id: string, lon: number, lat: number, properties: P) {
  return {
    type: "Feature",
    id,
    geometry: { type: "Point", coordinates: [lon, lat] },
    properties,
  } satisfies Feature<Point, P>;
}

function collection<P>(
  features: Feature<Point, P>[],
  metadata: Record<string, unknown>,
): PointCollection<P> {
  return { type: "FeatureCollection", features, metadata };
}

const eventFeature = (e: EventJson) => pointFeature(e.id, e.lon, e.lat, e);

/** GET /v1/events as GeoJSON: one Feature per event, id = event id. */
export function eventsCollection(answer: EventsAnswer): PointCollection<EventJson> {
  const { events, ...metadata } = answer;
  return collection(events.map(eventFeature), metadata);
}

/**
 * GET /v1/clusters as GeoJSON: one Feature per cluster at its events' mean position, id = the
 * cell's geohash; in mode 'events', one Feature per event, as /v1/events answers them.
 */
export function clustersCollection(
  answer: ClustersAnswer,
): PointCollection<ClustersAnswer["clusters"][number] | EventJson> {
  if (answer.mode === "events") {
    const { events, clusters: _none, ...metadata } = answer;
    return collection(events.map(eventFeature), metadata);
  }
  const { clusters, ...metadata } = answer;
  return collection(
    clusters.map((c) => pointFeature(c.geohash, c.lon, c.lat, c)),
    metadata,
  );
}

/** GET /v1/anomalies as GeoJSON: one Feature per alert at its event, the whole alert as properties. */
export function anomaliesCollection(answer: AnomaliesAnswer): PointCollection<AnomalyAlert> {
  const { anomalies, ...metadata } = answer;
  return collection(
    anomalies.map((a) => pointFeature(a.event.id, a.event.lon, a.event.lat, a)),
    metadata,
  );
}
