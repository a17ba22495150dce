/**
 * Where synthetic events happen. Real feeds are clumped (cities, sensors along roads), which is
 * what stresses hot geohash partitions and the outward search, so each shape here exercises a
 * different regime: uniform (sparse everywhere), clumped, narrow (one hot spot) and mixed. The
 * benchmark's figures use those four with fixed seeds: what they produce must not change.
 * `places` puts events on real cities and towns, for the demo and the map.
 */
import { landMask, type LandMask } from "./land.js";
import { PLACES, placeSpreadKm, placeWeight, type Place } from "./places.js";
import { createRng, deriveSeed, type Rng } from "./random.js";

export const DISTRIBUTION_NAMES = ["uniform", "clumped", "narrow", "mixed", "places"] as const;
export type DistributionName = (typeof DISTRIBUTION_NAMES)[number];

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** A dense centre: points fall around it with a Gaussian of `spreadKm` per axis. */
export interface Centre extends LatLon {
  readonly spreadKm: number;
}

/** A spatial distribution; its centres are fixed by the seed, its samples by the Rng passed in. */
export interface Distribution {
  readonly name: DistributionName;
  readonly centres: readonly Centre[];
  /** Share of the events each centre gets, in the order of `centres`; absent: equal shares. */
  readonly weights?: readonly number[];
  sample(rng: Rng): LatLon;
}

/** Kilometres per degree of latitude (mean Earth radius 6,371 km). */
export const KM_PER_DEGREE = (6_371.0088 * Math.PI) / 180;

/** Spreads of the clumped centres: a street, a town, a city region, a province. */
export const CLUMP_SPREADS_KM = [0.5, 5, 30, 150] as const;

/** Half the side of the `narrow` box (a 20 km square). */
export const NARROW_HALF_SIDE_KM = 10;

const CLUMPED_CENTRES = 8;
const MIXED_CENTRES = 20;
const MIXED_CLUMPED_SHARE = 0.7;

// Rough [latMin, latMax, lonMin, lonMax] boxes over populated land.
const LAND_BOXES: readonly (readonly [number, number, number, number])[] = [
  [25, 55, -125, -70], // North America
  [-35, 5, -75, -40], // South America
  [36, 60, -10, 30], // Europe
  [-30, 15, -15, 40], // Africa
  [8, 35, 45, 90], // Middle East and South Asia
  [22, 45, 100, 140], // East Asia
  [-8, 15, 95, 125], // South-East Asia
  [-38, -15, 115, 153], // Australia
];

const clampLat = (lat: number): number => Math.min(90, Math.max(-90, lat));

/** Wraps a longitude into [-180, 180). */
export function wrapLon(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

/** Moves a point by kilometres north and east (flat approximation, lon scaled by cos(lat)). */
export function offsetKm(origin: LatLon, northKm: number, eastKm: number): LatLon {
  const cosLat = Math.max(Math.cos((origin.lat * Math.PI) / 180), 1e-6);
  return {
    lat: clampLat(origin.lat + northKm / KM_PER_DEGREE),
    lon: wrapLon(origin.lon + eastKm / (KM_PER_DEGREE * cosLat)),
  };
}

/** Uniform over the sphere's surface (not over the lat/lon rectangle, which crowds the poles). */
export function sampleSphere(rng: Rng): LatLon {
  const lat = (Math.asin(2 * rng.next() - 1) * 180) / Math.PI;
  return { lat, lon: wrapLon(rng.uniform(-180, 180)) };
}

function sampleAround(rng: Rng, c: Centre): LatLon {
  return offsetKm(c, rng.normal(0, c.spreadKm), rng.normal(0, c.spreadKm));
}

function landPoint(rng: Rng): LatLon {
  const [latMin, latMax, lonMin, lonMax] = rng.pick(LAND_BOXES);
  return { lat: rng.uniform(latMin, latMax), lon: rng.uniform(lonMin, lonMax) };
}

function uniform(): Distribution {
  return { name: "uniform", centres: [], sample: sampleSphere };
}

function clumped(seed: number): Distribution {
  const r = createRng(deriveSeed(seed, 1));
  const centres: Centre[] = [];
  for (let i = 0; i < CLUMPED_CENTRES; i += 1) {
    let p = sampleSphere(r);
    while (Math.abs(p.lat) > 70) p = sampleSphere(r); // keep the cos(lat) scaling sane
    centres.push({ ...p, spreadKm: CLUMP_SPREADS_KM[i % CLUMP_SPREADS_KM.length] ?? 5 });
  }
  return { name: "clumped", centres, sample: (rng) => sampleAround(rng, rng.pick(centres)) };
}

function narrow(seed: number): Distribution {
  const centre: Centre = {
    ...landPoint(createRng(deriveSeed(seed, 2))),
    spreadKm: NARROW_HALF_SIDE_KM,
  };
  const h = NARROW_HALF_SIDE_KM;
  return {
    name: "narrow",
    centres: [centre],
    sample: (rng) => offsetKm(centre, rng.uniform(-h, h), rng.uniform(-h, h)),
  };
}

function mixed(seed: number): Distribution {
  const r = createRng(deriveSeed(seed, 3));
  const centres: Centre[] = [];
  for (let i = 0; i < MIXED_CENTRES; i += 1) {
    centres.push({ ...landPoint(r), spreadKm: r.pick(CLUMP_SPREADS_KM) });
  }
  return {
    name: "mixed",
    centres,
    sample: (rng) =>
      rng.next() < MIXED_CLUMPED_SHARE ? sampleAround(rng, rng.pick(centres)) : sampleSphere(rng),
  };
}

/**
 * Draws around a place before a point at sea is kept. Nuuk, the most maritime listed place, has
 * 82% of its draws at sea: 32 in a row happen once in about 500 of its events.
 */
export const PLACE_LAND_TRIES = 32;

/**
 * Clumps on the listed places, each with the spread of its size, picked with a probability that
 * follows its population; a point at sea is drawn again around the same place (so the shares
 * stay), and after PLACE_LAND_TRIES draws at sea the last one is kept. The places are the same
 * for every seed: the seed's Rng decides which events happen where.
 */
export function placesDistribution(
  places: readonly Place[] = PLACES,
  land: LandMask = landMask(),
): Distribution {
  if (places.length === 0) throw new RangeError("places: the gazetteer is empty");
  const centres: Centre[] = places.map((p) => ({
    lat: p.lat,
    lon: p.lon,
    spreadKm: placeSpreadKm(p.population),
  }));
  const raw = places.map((p) => placeWeight(p.population));
  const total = raw.reduce((a, b) => a + b, 0);
  const weights = raw.map((w) => w / total);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of raw) cumulative.push((sum += w));
  const pickCentre = (u: number): Centre => {
    const target = u * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? total) > target) hi = mid;
      else lo = mid + 1;
    }
    const centre = centres[lo];
    if (centre === undefined) throw new RangeError(`places: no centre at ${lo}`);
    return centre;
  };
  return {
    name: "places",
    centres,
    weights,
    sample(rng: Rng): LatLon {
      const centre = pickCentre(rng.next());
      let p = sampleAround(rng, centre);
      for (let i = 1; i < PLACE_LAND_TRIES && !land.isLand(p.lat, p.lon); i += 1) {
        p = sampleAround(rng, centre);
      }
      return p;
    },
  };
}

/** Type guard for user input such as `--distribution`. */
export function isDistributionName(v: string): v is DistributionName {
  return (DISTRIBUTION_NAMES as readonly string[]).includes(v);
}

/** The named distribution with centres derived from `seed` (equal seeds, equal centres). */
export function createDistribution(name: DistributionName, seed: number): Distribution {
  switch (name) {
    case "uniform":
      return uniform();
    case "clumped":
      return clumped(seed);
    case "narrow":
      return narrow(seed);
    case "mixed":
      return mixed(seed);
    case "places":
      return placesDistribution();
  }
}
