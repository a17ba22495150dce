/**
 * Web-map zoom levels to geohash precision (the source notes on clustering points by geohash
 * prefix), and where the clusters of a zoom come from given the lengths actually stored.
 */

/** Zoom 0..16 to the geohash length whose cells make sensible clusters on screen at that zoom. */
export const ZOOM_TO_PRECISION: readonly number[] = [
  1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7,
];

/** Above this zoom the map shows individual events, not clusters. */
export const MAX_CLUSTER_ZOOM = ZOOM_TO_PRECISION.length - 1;

/** Web-map zoom levels a request may name. */
export const MIN_ZOOM = 0;
export const MAX_ZOOM = 20;

/** Where the clusters of one zoom come from. */
export type ClusterSource =
  /** Cells of `precision`, aggregated from table `sourceLength` (= precision, or the next finer stored). */
  | { readonly kind: "clusters"; readonly precision: number; readonly sourceLength: number }
  /** Individual events: the zoom is past the table, or finer than every stored length. */
  | { readonly kind: "events"; readonly precision: number };

/** The geohash precision of a zoom; past MAX_CLUSTER_ZOOM one more than the table's last. */
export function precisionForZoom(zoom: number): number {
  if (!Number.isInteger(zoom) || zoom < MIN_ZOOM || zoom > MAX_ZOOM) {
    throw new RangeError(`zoom must be a whole number in ${MIN_ZOOM}..${MAX_ZOOM}, got ${zoom}`);
  }
  return ZOOM_TO_PRECISION[zoom] ?? (ZOOM_TO_PRECISION.at(-1) ?? 7) + 1;
}

/**
 * Clusters of precision p come from table p when it is stored, else from the next finer stored
 * length (rolled up: counts add, centroids weighted by count). Past the cluster table, or finer
 * than the finest stored length, the answer is the individual events.
 */
export function clusterSource(zoom: number, storedLengths: readonly number[]): ClusterSource {
  const precision = precisionForZoom(zoom);
  if (zoom > MAX_CLUSTER_ZOOM) return { kind: "events", precision };
  const finer = storedLengths.filter((l) => l >= precision);
  if (finer.length === 0) return { kind: "events", precision };
  return { kind: "clusters", precision, sourceLength: Math.min(...finer) };
}
