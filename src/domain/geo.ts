/**
 * Geohash cells, their rings and great-circle distances, with the antimeridian and the poles
 * handled explicitly (ngeohash.neighbors clamps latitude at a pole and so returns the cell
 * itself and duplicates as "neighbours").
 */
import ngeohash from "ngeohash";

/** Mean Earth radius (IUGG), metres. */
export const EARTH_RADIUS_METERS = 6_371_008.8;

const RAD = Math.PI / 180;

/** Geohash of a point at `length` characters; the partition key of that length's table. */
export function encode(lat: number, lon: number, length: number): string {
  if (!Number.isInteger(length) || length < 1 || length > 12) {
    throw new RangeError(`geohash length ${length} is not an integer in 1..12`);
  }
  return ngeohash.encode(lat, lon, length);
}

/** Bounds of a cell as [south, west, north, east] degrees. */
export function cellBounds(hash: string): [number, number, number, number] {
  const [s, w, n, e] = ngeohash.decode_bbox(hash);
  return [s, w, n, e];
}

function wrapLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/**
 * The cell first, then its distinct adjacent cells (up to 8, clockwise from north): the 3x3
 * block a ring search reads. Wraps across lon ±180; rows beyond a pole do not exist and are omitted.
 */
export function ringCells(hash: string): string[] {
  const [s, w, n, e] = cellBounds(hash);
  const height = n - s;
  const width = e - w;
  const lat = (s + n) / 2;
  const lon = (w + e) / 2;
  const out = [hash];
  const directions: readonly (readonly [number, number])[] = [
    [1, 0],
    [1, 1],
    [0, 1],
    [-1, 1],
    [-1, 0],
    [-1, -1],
    [0, -1],
    [1, -1],
  ];
  for (const [dLat, dLon] of directions) {
    const nLat = lat + dLat * height;
    if (nLat > 90 || nLat < -90) continue;
    const cell = ngeohash.encode(nLat, wrapLon(lon + dLon * width), hash.length);
    if (!out.includes(cell)) out.push(cell);
  }
  return out;
}

/** Great-circle distance on the mean sphere; the neighbour ordering metric. */
export function haversineMeters(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Lower bound of the distance from a point to the meridian `edgeLon` (any part of it). */
function distanceToMeridianMeters(lat: number, lon: number, edgeLon: number): number {
  const dLon = Math.abs(wrapLon(edgeLon - lon)) * RAD;
  // Distance to the meridian's great circle; beyond 90 degrees the nearest point is the pole.
  const clamped = Math.min(dLon, Math.PI / 2);
  const x = Math.min(1, Math.cos(lat * RAD) * Math.sin(clamped));
  return EARTH_RADIUS_METERS * Math.asin(x);
}

/**
 * Radius around the point that the searched area (its cell, or the 3x3 ring) surely contains:
 * neighbours within it cannot have been missed. Conservative near poles: distances to cell sides
 * are measured to the whole meridian, and a pole counts as an edge.
 */
export function coveredRadiusMeters(
  lat: number,
  lon: number,
  hash: string,
  mode: "cell" | "ring",
): number {
  let [s, w, n, e] = cellBounds(hash);
  if (mode === "ring") {
    // Cells tile latitude exactly, so a missing row means the block ends at the pole.
    const height = n - s;
    const width = e - w;
    s = Math.max(-90, s - height);
    n = Math.min(90, n + height);
    w -= width;
    e += width;
  }
  // Block widths stay under 180 degrees (45 x 3 at length 1), so wrapped differences are signed.
  if (wrapLon(lon - w) < 0 || wrapLon(e - lon) < 0 || lat < s || lat > n) return 0;
  const toNorth = (n - lat) * RAD * EARTH_RADIUS_METERS;
  const toSouth = (lat - s) * RAD * EARTH_RADIUS_METERS;
  const radius = Math.min(
    toNorth,
    toSouth,
    distanceToMeridianMeters(lat, lon, w),
    distanceToMeridianMeters(lat, lon, e),
  );
  return radius;
}
