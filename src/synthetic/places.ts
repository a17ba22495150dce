/**
 * Real places for the demo feed: the gazetteer's cities and isolated towns with the sizes that
 * shape their clumps (spread from population) and their share of the events (weight from
 * population), and the nearest listed place to a point, so an alert can say where it is.
 */
import { CITY_ROWS, ISOLATED_TOWN_ROWS, type PlaceRow } from "./places-data.js";

/** A listed city or town. */
export interface Place {
  readonly name: string;
  /** ISO 3166-1 alpha-2 code. */
  readonly country: string;
  readonly lat: number;
  readonly lon: number;
  readonly population: number;
  /** A town far from every listed city (few, distant neighbours). */
  readonly isolated: boolean;
}

const toPlace =
  (isolated: boolean) =>
  ([name, country, lat, lon, population]: PlaceRow): Place => ({
    name,
    country,
    lat,
    lon,
    population,
    isolated,
  });

/** Every listed place: the cities, most populous first, then the isolated towns. */
export const PLACES: readonly Place[] = [
  ...CITY_ROWS.map(toPlace(false)),
  ...ISOLATED_TOWN_ROWS.map(toPlace(true)),
];

/** Spread of a place of one person; a city of a million spreads 1 + 4 = 5 km. */
const BASE_SPREAD_KM = 1;
const SPREAD_KM_PER_SQRT_MILLION = 4;

/**
 * Gaussian spread (km per axis) of a place's events: 1 km plus 4 km per square root of its
 * population in millions, since a city's area grows about with its population and its radius
 * with the square root. Shanghai (22 million) spreads 20 km, a city of a million 5 km, a town
 * of 20,000 about 1.6 km.
 */
export function placeSpreadKm(population: number): number {
  return BASE_SPREAD_KM + SPREAD_KM_PER_SQRT_MILLION * Math.sqrt(population / 1e6);
}

/**
 * A place's weight in the feed: the square root of its population. Larger places get more
 * events, but a city ten times larger gets about three times as many, not ten. At the demo's 200
 * events/s a town of 20,000 then gets an event every 13 s and its 20 neighbours in about four
 * minutes; with linear weights it would get one every three minutes and wait an hour.
 */
export function placeWeight(population: number): number {
  return Math.sqrt(population);
}

const RAD = Math.PI / 180;
const EARTH_RADIUS_KM = 6_371.0088;

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(
  a: { lat: number; lon: number },
  b: { lat: number; lon: number },
): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The listed place closest to a point and how far it is. */
export function nearestPlace(
  lat: number,
  lon: number,
  places: readonly Place[] = PLACES,
): { place: Place; distanceKm: number } | undefined {
  let best: { place: Place; distanceKm: number } | undefined;
  for (const place of places) {
    const d = distanceKm({ lat, lon }, place);
    if (best === undefined || d < best.distanceKm) best = { place, distanceKm: d };
  }
  return best;
}

/**
 * "12 km from Lagos, NG" for a point within `withinKm` of a listed place, else undefined (a
 * point of another distribution in open country names no city hundreds of kilometres away).
 */
export function describeNearestPlace(lat: number, lon: number, withinKm = 100): string | undefined {
  const near = nearestPlace(lat, lon);
  if (near === undefined || near.distanceKm > withinKm) return undefined;
  const where = `${near.place.name}, ${near.place.country}`;
  return near.distanceKm < 1 ? `in ${where}` : `${near.distanceKm.toFixed(0)} km from ${where}`;
}
