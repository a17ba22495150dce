/** Geohash encoding and cell bounds (via ngeohash) and the great-circle distance metric. */
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

/** Great-circle distance on the mean sphere; the neighbour ordering metric. */
export function haversineMeters(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
}
