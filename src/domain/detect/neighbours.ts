/**
 * What a neighbour is: another stored event that is not the event itself, not from its future,
 * and within the distance bound; the k nearest of them by great-circle distance. The search and
 * the benchmark's brute-force reference share these definitions, so "exact" means the same thing.
 */
import { haversineMeters } from "../geo/geo.js";

/** A stored event as read back from storage. */
export interface Candidate {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly value: number;
  readonly timeMs: number;
}

/** A candidate with its distance from the event being checked. */
export interface Neighbour extends Candidate {
  readonly distanceMeters: number;
}

/** The event whose neighbours are wanted. */
export interface Origin {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly timeMs: number;
}

/** Whether a candidate may serve as a neighbour of `self`: not itself and not from its future. */
export function isEligible(self: Origin, c: Candidate): boolean {
  return c.id !== self.id && c.timeMs <= self.timeMs;
}

/** Nearest first; ties by newer time, then id, so every caller orders neighbours the same way. */
export function byDistance(a: Neighbour, b: Neighbour): number {
  return (
    a.distanceMeters - b.distanceMeters ||
    b.timeMs - a.timeMs ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** What bounds a brute-force neighbour query besides eligibility. */
export interface NeighbourBounds {
  /** Farther candidates are not neighbours (default: no bound). */
  readonly maxDistanceMeters?: number;
  /** Candidates older than this are outside the time window (default: no bound). */
  readonly fromMs?: number;
}

/**
 * The k eligible candidates nearest to `self` within the bounds, nearest first; duplicates by id
 * keep the first. The brute-force reference for recall measurements, and the final selection of
 * the search.
 */
export function nearestK(
  self: Origin,
  candidates: Iterable<Candidate>,
  k: number,
  bounds: NeighbourBounds = {},
): Neighbour[] {
  const maxDistance = bounds.maxDistanceMeters ?? Number.POSITIVE_INFINITY;
  const fromMs = bounds.fromMs ?? Number.NEGATIVE_INFINITY;
  const seen = new Set<string>();
  const all: Neighbour[] = [];
  for (const c of candidates) {
    if (!isEligible(self, c) || c.timeMs < fromMs || seen.has(c.id)) continue;
    seen.add(c.id);
    const distanceMeters = haversineMeters(self.lat, self.lon, c.lat, c.lon);
    if (distanceMeters <= maxDistance) all.push({ ...c, distanceMeters });
  }
  return all.sort(byDistance).slice(0, Math.max(0, k));
}
