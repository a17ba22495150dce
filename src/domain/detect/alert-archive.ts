/**
 * Where an alert is archived in Cassandra so the query side can find it by place and time: a
 * partition per (region, time bucket), rows keyed by the event's time and id so re-processing
 * the same event rewrites the same row.
 *
 * Sizing: at the default basis (2,000 events/s, with 1% anomalies about 20 alerts/s) and ~1 KB
 * per archived alert, the hottest length-2 region (16% of the traffic under the default clumping)
 * gets ~3.2 alerts/s, about 11.5 MB per one-hour bucket: well under the 50 MB target. A world map
 * reads 1,024 regions per bucket, which keeps the live map's polling affordable.
 */
import type { AnomalyAlert } from "./alert.js";
import { encode } from "../geo/geo.js";
import { bucketStart } from "../sizing/levels.js";

/** Geohash length of the archive's region partition key. */
export const ALERT_REGION_LENGTH = 2;
/** Time bucket of the archive's partition key. */
export const ALERT_BUCKET_MS = 3_600_000;
/** How long an archived alert is kept. */
export const ALERT_TTL_SECONDS = 8 * 86_400;

/** The archive row of an alert: its partition, its clustering key, its position and the alert. */
export interface AlertRow {
  readonly region: string;
  readonly bucket: number;
  readonly timeMs: number;
  readonly eventId: string;
  readonly lat: number;
  readonly lon: number;
  readonly alert: AnomalyAlert;
}

/** Archive row of an alert, partitioned by the event's region and time (not the detection time). */
export function alertRow(alert: AnomalyAlert): AlertRow {
  const timeMs = Date.parse(alert.event.time);
  return {
    region: encode(alert.event.lat, alert.event.lon, ALERT_REGION_LENGTH),
    bucket: bucketStart(timeMs, ALERT_BUCKET_MS),
    timeMs,
    eventId: alert.event.id,
    lat: alert.event.lat,
    lon: alert.event.lon,
    alert,
  };
}
