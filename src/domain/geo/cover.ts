/**
 * Covering an area with geohash cells of one length: a lat/lon box (west > east crosses the
 * antimeridian) or a circle of great-circle radius around a point (which may contain a pole or
 * cross the antimeridian). The exact distance from a point to a cell makes the circle cover tight
 * and lets a search know how far around its point it has looked.
 */
import { EARTH_RADIUS_METERS, haversineMeters } from "./geo.js";
import {
  cellAt,
  columnCount,
  columnsInRange,
  gridShape,
  hashAt,
  rowCount,
  rowOf,
  type GridCell,
} from "./grid.js";

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

/** A lat/lon box in degrees; `west > east` means it crosses the antimeridian. */
export interface Box {
  readonly south: number;
  readonly west: number;
  readonly north: number;
  readonly east: number;
}

/** The whole world as a box. */
export const WORLD: Box = { south: -90, west: -180, north: 90, east: 180 };

/** Cells of `length` the box needs, without listing them: rows × columns of its grid. */
export function boxCellCount(box: Box, length: number): number {
  const shape = gridShape(length);
  return rowCount(box.south, box.north, shape) * columnCount(box.west, box.east, shape);
}

/** Every cell of `length` that intersects the box (touching counts), row by row from the south. */
export function cellsInBox(box: Box, length: number): GridCell[] {
  const shape = gridShape(length);
  const columns = columnsInRange(box.west, box.east, shape);
  const out: GridCell[] = [];
  for (let row = rowOf(box.south, shape); row <= rowOf(box.north, shape); row++) {
    for (const column of columns) out.push(cellAt(column, row, shape));
  }
  return out;
}

function wrapLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/** Distance from the point to the nearest point of the meridian segment at `lon`, south..north. */
function distanceToMeridianSegment(
  lat: number,
  lon: number,
  meridian: number,
  south: number,
  north: number,
): number {
  const cos = Math.cos(wrapLon(meridian - lon) * RAD);
  if (cos <= 0) {
    // More than 90° of longitude away: along this half-meridian the distance falls toward both
    // poles from one farthest point, so the nearest point of a segment is one of its ends.
    return Math.min(
      haversineMeters(lat, lon, south, meridian),
      haversineMeters(lat, lon, north, meridian),
    );
  }
  // Otherwise it grows both ways from the foot of the perpendicular, atan(tan(lat) / cos(dLon)).
  const foot = Math.atan(Math.tan(lat * RAD) / cos) * DEG;
  return haversineMeters(lat, lon, Math.min(north, Math.max(south, foot)), meridian);
}

/** Whether `lon` lies in [west, east] read eastward (west > east wraps); edge meridians decide the rest. */
function lonInside(lon: number, west: number, east: number): boolean {
  return west <= east ? lon >= west && lon <= east : lon >= west || lon <= east;
}

/**
 * Great-circle distance from the point to the nearest point of the box (0 inside). Exact: inside
 * the box's longitudes the nearest point is on the point's own meridian; outside them it lies on
 * one of the two edge meridians, because along a parallel the distance grows with the longitude gap.
 */
export function distanceToBoxMeters(lat: number, lon: number, box: Box): number {
  return distanceToBounds(lat, lon, box.south, box.west, box.north, box.east);
}

/** {@link distanceToBoxMeters} on the box's four bounds, for loops that allocate no box. */
function distanceToBounds(
  lat: number,
  lon: number,
  south: number,
  west: number,
  north: number,
  east: number,
): number {
  if (lonInside(lon, west, east)) {
    if (lat < south) return (south - lat) * RAD * EARTH_RADIUS_METERS;
    if (lat > north) return (lat - north) * RAD * EARTH_RADIUS_METERS;
    return 0;
  }
  return Math.min(
    distanceToMeridianSegment(lat, lon, west, south, north),
    distanceToMeridianSegment(lat, lon, east, south, north),
  );
}

/**
 * The lat/lon box around a circle of `radiusMeters`: all longitudes when it holds a pole or is
 * wider than the parallel it sits on; otherwise the exact longitude half-width asin(sin r / cos φ).
 */
export function circleBox(lat: number, lon: number, radiusMeters: number): Box {
  const angular = radiusMeters / EARTH_RADIUS_METERS;
  const south = lat - angular * DEG;
  const north = lat + angular * DEG;
  if (south <= -90 || north >= 90 || angular >= Math.PI / 2) {
    return { south: Math.max(-90, south), west: -180, north: Math.min(90, north), east: 180 };
  }
  const sinHalf = Math.sin(angular) / Math.cos(lat * RAD);
  if (sinHalf >= 1) return { south, west: -180, north, east: 180 };
  const half = Math.asin(sinHalf) * DEG;
  if (half >= 180) return { south, west: -180, north, east: 180 };
  return { south, west: wrapLon(lon - half), north, east: wrapLon(lon + half) };
}

/** Cells of `length` in the box around the circle: an upper bound of the circle's cover, cheaply. */
export function circleCellBound(
  lat: number,
  lon: number,
  radiusMeters: number,
  length: number,
): number {
  return boxCellCount(circleBox(lat, lon, radiusMeters), length);
}

/** A cell of a circle cover with its distance from the centre (0 for the centre's own cell). */
export interface CoverCell extends GridCell {
  readonly distanceMeters: number;
}

/** Every cell of `length` within `radiusMeters` of the point, nearest first. */
export function cellsInCircle(
  lat: number,
  lon: number,
  radiusMeters: number,
  length: number,
): CoverCell[] {
  const out: CoverCell[] = [];
  for (const cell of cellsInBox(circleBox(lat, lon, radiusMeters), length)) {
    const d = distanceToBoxMeters(lat, lon, cell);
    if (d <= radiusMeters) out.push({ ...cell, distanceMeters: d });
  }
  return out.sort((a, b) => a.distanceMeters - b.distanceMeters);
}

/** A circle's cells of one length, and how far beyond the circle the nearest other cell starts. */
export interface CircleCover {
  /** Hashes of the cells within the radius, in no particular order. */
  readonly hashes: string[];
  /** Distance of the nearest cell beyond the radius, or `reachMeters` when none is nearer. */
  readonly nearestBeyondMeters: number;
}

/**
 * {@link cellsInCircle} for the search's hot path, in one pass over the cells within `reachMeters`
 * and without cell objects: the hashes of the cells within `radiusMeters`, and the distance to the
 * nearest cell outside it (what bounds how far around the point everything has been read).
 */
export function circleCover(
  lat: number,
  lon: number,
  radiusMeters: number,
  reachMeters: number,
  length: number,
): CircleCover {
  const box = circleBox(lat, lon, Math.max(radiusMeters, reachMeters));
  const shape = gridShape(length);
  const columns = columnsInRange(box.west, box.east, shape);
  const hashes: string[] = [];
  let nearestBeyond = reachMeters;
  for (let row = rowOf(box.south, shape); row <= rowOf(box.north, shape); row++) {
    const south = -90 + row * shape.heightDeg;
    const north = south + shape.heightDeg;
    for (const column of columns) {
      const west = -180 + column * shape.widthDeg;
      const d = distanceToBounds(lat, lon, south, west, north, west + shape.widthDeg);
      if (d <= radiusMeters) hashes.push(hashAt(column, row, shape));
      else if (d < nearestBeyond) nearestBeyond = d;
    }
  }
  return { hashes, nearestBeyondMeters: nearestBeyond };
}
