/**
 * Land or sea at a point, by the same Natural Earth 1:50m outlines the map page draws (the
 * `land` object of world-atlas's countries-50m, merged from the country borders), so a synthetic
 * event that the generator keeps on land is drawn on land. Loaded once, on first use, from the
 * installed package: nothing is fetched.
 */
import { createRequire } from "node:module";

/** The part of topojson-client this module uses (the package ships no types). */
interface TopojsonClient {
  feature(
    topology: unknown,
    object: unknown,
  ): { features: { geometry: { type: string; coordinates: number[][][][] } }[] };
}

interface Topology {
  objects: { land: unknown };
}

/** Latitude bands of the edge index, in degrees: a query looks at one band's edges only. */
const BAND_DEG = 0.5;
const BANDS = 180 / BAND_DEG;

/** Tells land from sea at a point; latitudes past ±90 are clamped. */
export interface LandMask {
  isLand(lat: number, lon: number): boolean;
}

const bandOf = (lat: number): number =>
  Math.min(BANDS - 1, Math.max(0, Math.floor((lat + 90) / BAND_DEG)));

/**
 * Longitudes made continuous along a ring, so a ring that crosses ±180 (Chukotka, Fiji) is one
 * shape past ±180 instead of edges across the whole map.
 */
function unwrap(ring: readonly number[][]): [number, number][] {
  let offset = 0;
  let prev = ring[0]?.[0] ?? 0;
  return ring.map(([lon = 0, lat = 0]) => {
    if (lon - prev > 180) offset -= 360;
    else if (lon - prev < -180) offset += 360;
    prev = lon;
    return [lon + offset, lat];
  });
}

/**
 * An even-odd point-in-polygon test over every ring at once, with edges bucketed by latitude
 * band: a horizontal ray from the point eastwards crosses land's edges an odd number of times
 * exactly when the point is on land. Rings around the south pole (Antarctica) are left out, so
 * Antarctica counts as sea; nothing here samples it.
 */
export function buildLandMask(rings: readonly (readonly number[][])[]): LandMask {
  const bands: number[][] = Array.from({ length: BANDS }, () => []);
  const addEdges = (ring: readonly [number, number][], shift: number): void => {
    for (let i = 1; i < ring.length; i += 1) {
      const [x1, y1] = ring[i - 1] ?? [0, 0];
      const [x2, y2] = ring[i] ?? [0, 0];
      if (y1 === y2) continue;
      for (let b = bandOf(Math.min(y1, y2)); b <= bandOf(Math.max(y1, y2)); b += 1) {
        bands[b]?.push(x1 + shift, y1, x2 + shift, y2);
      }
    }
  };
  for (const raw of rings) {
    if (raw.some((p) => (p[1] ?? 0) <= -89.9)) continue;
    const ring = unwrap(raw);
    addEdges(ring, 0);
    const lons = ring.map((p) => p[0]);
    if (Math.min(...lons) < -180) addEdges(ring, 360);
    if (Math.max(...lons) > 180) addEdges(ring, -360);
  }
  const index = bands.map((edges) => Float64Array.from(edges));
  return {
    isLand(lat: number, lon: number): boolean {
      const edges = index[bandOf(lat)] ?? new Float64Array();
      let inside = false;
      for (let i = 0; i < edges.length; i += 4) {
        const x1 = edges[i] ?? 0;
        const y1 = edges[i + 1] ?? 0;
        const x2 = edges[i + 2] ?? 0;
        const y2 = edges[i + 3] ?? 0;
        if (y1 > lat !== y2 > lat && x1 + ((lat - y1) * (x2 - x1)) / (y2 - y1) > lon) {
          inside = !inside;
        }
      }
      return inside;
    },
  };
}

let shared: LandMask | undefined;

/** The 1:50m land mask, built on first use (about 80,000 edges, a fraction of a second). */
export function landMask(): LandMask {
  if (shared === undefined) {
    const require = createRequire(import.meta.url);
    const topojson = require("topojson-client") as TopojsonClient;
    const topology = require("world-atlas/countries-50m.json") as Topology;
    const rings = topojson
      .feature(topology, topology.objects.land)
      .features.flatMap((f) =>
        f.geometry.type === "Polygon"
          ? (f.geometry.coordinates as unknown as number[][][])
          : f.geometry.coordinates.flat(),
      );
    shared = buildLandMask(rings);
  }
  return shared;
}
