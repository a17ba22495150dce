import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createDistribution,
  placesDistribution,
  type LatLon,
} from "../../../src/synthetic/distributions.js";
import { createGenerator } from "../../../src/synthetic/generator.js";
import { landMask } from "../../../src/synthetic/land.js";
import {
  describeNearestPlace,
  distanceKm,
  nearestPlace,
  PLACES,
  placeSpreadKm,
  placeWeight,
  type Place,
} from "../../../src/synthetic/places.js";
import { createRng } from "../../../src/synthetic/random.js";

const place = (name: string): Place => {
  const found = PLACES.find((p) => p.name === name);
  if (found === undefined) throw new Error(`${name} is not listed`);
  return found;
};

describe("the gazetteer", () => {
  it("lists a few hundred real places worldwide, cities most populous first", () => {
    expect(PLACES.length).toBeGreaterThan(200);
    expect(PLACES.length).toBeLessThanOrEqual(300);
    expect(new Set(PLACES.map((p) => p.country)).size).toBeGreaterThan(140);
    for (const p of PLACES) {
      expect(Math.abs(p.lat)).toBeLessThan(80);
      expect(Math.abs(p.lon)).toBeLessThanOrEqual(180);
      expect(p.population).toBeGreaterThan(1000);
      expect(p.country).toMatch(/^[A-Z]{2}$/);
    }
    const cities = PLACES.filter((p) => !p.isolated);
    for (let i = 1; i < cities.length; i += 1) {
      expect(cities[i]?.population).toBeLessThanOrEqual(cities[i - 1]?.population ?? 0);
    }
    // Known facts, so a shifted column or swapped coordinates cannot pass.
    expect(distanceKm(place("Paris"), { lat: 48.8566, lon: 2.3522 })).toBeLessThan(5);
    expect(distanceKm(place("Sydney"), { lat: -33.8688, lon: 151.2093 })).toBeLessThan(5);
    expect(place("Tokyo").country).toBe("JP");
  });

  it("keeps its isolated towns at least 300 km from every city", () => {
    const towns = PLACES.filter((p) => p.isolated);
    expect(towns.length).toBeGreaterThanOrEqual(5);
    for (const town of towns) {
      const near = nearestPlace(
        town.lat,
        town.lon,
        PLACES.filter((p) => !p.isolated),
      );
      expect(near?.distanceKm, town.name).toBeGreaterThan(300);
    }
  });

  it("spreads a megacity over tens of km and a town over a few", () => {
    expect(placeSpreadKm(place("Shanghai").population)).toBeGreaterThan(15);
    expect(placeSpreadKm(1e6)).toBeCloseTo(5);
    expect(placeSpreadKm(place("Nuuk").population)).toBeLessThan(2);
    expect(placeSpreadKm(2e6)).toBeGreaterThan(placeSpreadKm(1e6));
  });

  it("names the nearest place of a point near one, and none in open ocean", () => {
    expect(describeNearestPlace(place("Shanghai").lat, place("Shanghai").lon)).toBe(
      "in Shanghai, CN",
    );
    const lagos = place("Lagos");
    expect(describeNearestPlace(lagos.lat + 0.1, lagos.lon)).toBe("11 km from Lagos, NG");
    expect(describeNearestPlace(-30, -140)).toBeUndefined();
  });
});

describe("the places distribution", () => {
  const dist = placesDistribution();

  it("puts every point near a listed place: within 5 spreads of one", () => {
    const rng = createRng(3);
    const lost: LatLon[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const p = dist.sample(rng);
      const near = dist.centres.some((c) => distanceKm(p, c) < 5 * c.spreadKm);
      if (!near) lost.push(p);
    }
    expect(lost).toEqual([]);
  });

  it("keeps points on land by the outlines the map draws", () => {
    const rng = createRng(4);
    const land = landMask();
    let sea = 0;
    const n = 20_000;
    for (let i = 0; i < n; i += 1) {
      const p = dist.sample(rng);
      if (!land.isLand(p.lat, p.lon)) sea += 1;
    }
    // Without the retries about 13% would be at sea (coastal cities).
    expect(sea / n).toBeLessThan(0.002);
  });

  it("gives each place a share of the events that follows its population", () => {
    const weights = dist.weights ?? [];
    expect(weights).toHaveLength(PLACES.length);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < PLACES.length; i += 1) {
      for (const j of [i + 1, i + 7, i + 50]) {
        const [a, b] = [PLACES[i], PLACES[j]];
        if (a === undefined || b === undefined || a.population === b.population) continue;
        expect(Math.sign((weights[i] ?? 0) - (weights[j] ?? 0))).toBe(
          Math.sign(a.population - b.population),
        );
      }
    }
    // Counted from samples: the events within 4 spreads of well-separated places.
    const watched = ["Shanghai", "Lagos", "London", "Windhoek", "Alice Springs"].map(place);
    const rng = createRng(9);
    const n = 200_000;
    const counts = watched.map(() => 0);
    for (let i = 0; i < n; i += 1) {
      const p = dist.sample(rng);
      watched.forEach((w, k) => {
        if (distanceKm(p, w) < 4 * placeSpreadKm(w.population)) counts[k] = (counts[k] ?? 0) + 1;
      });
    }
    watched.forEach((w, k) => {
      const expected = weights[PLACES.indexOf(w)] ?? 0;
      const share = (counts[k] ?? 0) / n;
      // Binomial noise: 4 standard deviations plus 1% for points near the edge of 4 spreads.
      const tolerance = 4 * Math.sqrt((expected * (1 - expected)) / n) + 0.01 * expected;
      expect(Math.abs(share - expected), w.name).toBeLessThan(tolerance);
    });
    expect(counts[0]).toBeGreaterThan(counts[3] ?? 0);
    expect(counts[3]).toBeGreaterThan(counts[4] ?? 0);
    const ratio = placeWeight(place("Shanghai").population) / placeWeight(1e6);
    expect(ratio).toBeCloseTo(Math.sqrt(place("Shanghai").population / 1e6));
  });

  it("replays the same events from the same seed and others from another", () => {
    const events = (seed: number): string[] => {
      const g = createGenerator({
        distribution: "places",
        seed,
        anomalyFraction: 0.01,
        magnitudes: [6],
        clock: () => 0,
      });
      return Array.from({ length: 500 }, () => JSON.stringify(g.next()));
    };
    expect(events(7)).toEqual(events(7));
    expect(events(8)).not.toEqual(events(7));
    expect(createDistribution("places", 1).centres).toEqual(
      createDistribution("places", 2).centres,
    );
  });
});

describe("the benchmark's distributions", () => {
  // Digests of 5,000 samples and the centres, taken from the code before `places` was added:
  // the benchmark's reported figures were measured with exactly these points.
  const before: Record<string, string> = {
    "uniform 42": "fc9dda5427f3638a",
    "uniform 1234567": "ee3359544c9633e2",
    "clumped 42": "4d06c8f00cf1c6ff",
    "clumped 1234567": "151699d0b2394862",
    "narrow 42": "4ff9bc27d27555cf",
    "narrow 1234567": "6496407dd6521a5e",
    "mixed 42": "fcec28c42430eaae",
    "mixed 1234567": "f9deb762cc0805fb",
  };

  it.each(Object.keys(before))("%s produces the same points as before", (key) => {
    const [name, seed] = key.split(" ") as ["uniform" | "clumped" | "narrow" | "mixed", string];
    const dist = createDistribution(name, Number(seed));
    const rng = createRng(Number(seed));
    const h = createHash("sha256");
    h.update(JSON.stringify(dist.centres));
    for (let i = 0; i < 5000; i += 1) h.update(JSON.stringify(dist.sample(rng)));
    expect(h.digest("hex").slice(0, 16)).toBe(before[key]);
  });
});
