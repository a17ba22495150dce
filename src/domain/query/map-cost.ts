/**
 * What the map costs per zoom level: for a viewport at a place, the partitions one cluster
 * request reads (the cells shown, times the finer cells rolled up into each, times the buckets of
 * the window) given the lengths stored. The answer to "which lengths must the map keep".
 */
import { WORLD, boxCellCount, type Box } from "../geo/cover.js";
import { chooseCoverLength, snapToCells } from "./box-query.js";
import { ALERT_BUCKET_MS, ALERT_REGION_LENGTH } from "../detect/alert-archive.js";
import type { LevelLayout } from "../sizing/levels.js";
import { clusterSource, MAX_ZOOM, MIN_ZOOM } from "./zoom.js";
import { regionLength, SUMMARY_BUCKET_MS, SUMMARY_SLOT_MS, summaryLengthFor } from "./summary.js";

export interface Viewport {
  readonly widthPx: number;
  readonly heightPx: number;
  readonly lat: number;
  readonly lon: number;
}

export interface ZoomCost {
  readonly zoom: number;
  readonly precision: number;
  readonly mode: "clusters" | "summary" | "events";
  /** The length read (clusters: precision or the next finer; summary: precision or 2; events: the finest). */
  readonly length: number;
  readonly cellsShown: number;
  readonly cellsRead: number;
  /** At most this many buckets per cell for the window. */
  readonly buckets: number;
  /** Partitions read: event-table ones plus the alert archive's, or the summary's. */
  readonly partitions: number;
  readonly alertPartitions: number;
}

/** The lat/lon box a web-Mercator viewport shows at `zoom` (256-px tiles), clamped to the world. */
export function viewportBox(v: Viewport, zoom: number): Box {
  const degPerPx = 360 / (256 * 2 ** zoom);
  const halfW = (v.widthPx * degPerPx) / 2;
  const halfH = (v.heightPx * degPerPx * Math.cos((v.lat * Math.PI) / 180)) / 2;
  const south = Math.max(-90, v.lat - halfH);
  const north = Math.min(90, v.lat + halfH);
  if (halfW >= 180) return { ...WORLD, south, north };
  const wrap = (lon: number): number => ((((lon + 180) % 360) + 360) % 360) - 180;
  return { south, north, west: wrap(v.lon - halfW), east: wrap(v.lon + halfW) };
}

/** Buckets a window of `windowMs` touches at most. */
function bucketsAtMost(windowMs: number, bucketMs: number): number {
  return Math.ceil(windowMs / bucketMs) + 1;
}

/**
 * The cost of every zoom for a viewport, window and stored layout; precisions up to
 * `summaryLength` (the summary's source length, when given) are read from the cluster summary.
 */
export function zoomCosts(
  layout: LevelLayout,
  v: Viewport,
  windowMs: number,
  summaryLength?: number,
): ZoomCost[] {
  const lengths = layout.map((l) => l.length);
  const out: ZoomCost[] = [];
  for (let zoom = MIN_ZOOM; zoom <= MAX_ZOOM; zoom++) {
    const box = viewportBox(v, zoom);
    const source = clusterSource(zoom, lengths);
    if (source.kind === "events") {
      // Individual events: the length /v1/events would choose for this box.
      const now = 10 * 365 * 86_400_000;
      const d = chooseCoverLength(
        box,
        { fromMs: now - windowMs, toMs: now },
        layout,
        now,
        Infinity,
      );
      if (!d.ok) continue;
      out.push({
        zoom,
        precision: source.precision,
        mode: "events",
        length: d.cost.level.length,
        cellsShown: 0,
        cellsRead: d.cost.cells,
        buckets: d.cost.buckets,
        partitions: d.cost.partitions,
        alertPartitions: 0,
      });
      continue;
    }
    if (summaryLength !== undefined && source.precision <= summaryLength) {
      const length = summaryLengthFor(source.precision);
      const regions = boxCellCount(box, regionLength(length));
      const buckets = bucketsAtMost(windowMs + SUMMARY_SLOT_MS, SUMMARY_BUCKET_MS);
      out.push({
        zoom,
        precision: source.precision,
        mode: "summary",
        length,
        cellsShown: boxCellCount(box, source.precision),
        cellsRead: regions,
        buckets,
        partitions: regions * buckets,
        alertPartitions: 0,
      });
      continue;
    }
    const length = source.sourceLength;
    const level = layout.find((l) => l.length === length);
    if (level === undefined) continue;
    const buckets = bucketsAtMost(windowMs, level.bucketMs);
    const cellsShown = boxCellCount(box, source.precision);
    const cellsRead = cellsShown * 32 ** (source.sourceLength - source.precision);
    const alertPartitions =
      boxCellCount(snapToCells(box, source.precision), ALERT_REGION_LENGTH) *
      bucketsAtMost(windowMs, ALERT_BUCKET_MS);
    out.push({
      zoom,
      precision: source.precision,
      mode: "clusters",
      length,
      cellsShown,
      cellsRead,
      buckets,
      partitions: cellsRead * buckets + alertPartitions,
      alertPartitions,
    });
  }
  return out;
}
