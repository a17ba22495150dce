/**
 * The outward neighbour search: a plan of queries from the smallest area to the largest, a pure
 * stop rule, and an executor that talks to storage only through an injected fetch function.
 */
import type { GeoEvent } from "./event.js";
import { coveredRadiusMeters, encode, haversineMeters, ringCells } from "./geo.js";
import { bucketsInWindow, type LevelLayout } from "./levels.js";

export type SearchMode = "cell" | "ring";

/** One CQL query: the cells x buckets partitions, rows with fromMs <= time <= toMs. */
export interface SearchStep {
  readonly length: number;
  readonly cells: readonly string[];
  readonly buckets: readonly number[];
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * Queries for one event, longest length (smallest area) first; within a length, buckets newest
 * first, `bucketsPerQuery` per step (default: all of that length's buckets in one step).
 */
export function planSearch(
  point: { lat: number; lon: number; timeMs: number },
  layout: LevelLayout,
  mode: SearchMode,
  bucketsPerQuery?: number,
): SearchStep[] {
  if (
    bucketsPerQuery !== undefined &&
    !(Number.isInteger(bucketsPerQuery) && bucketsPerQuery > 0)
  ) {
    throw new RangeError(`bucketsPerQuery must be a positive integer, got ${bucketsPerQuery}`);
  }
  const steps: SearchStep[] = [];
  for (const spec of [...layout].sort((a, b) => b.length - a.length)) {
    const hash = encode(point.lat, point.lon, spec.length);
    const cells = mode === "ring" ? ringCells(hash) : [hash];
    const buckets = bucketsInWindow(point.timeMs, spec);
    const per = bucketsPerQuery ?? buckets.length;
    const fromMs = point.timeMs - spec.horizonMs;
    for (let i = 0; i < buckets.length; i += per) {
      steps.push({
        length: spec.length,
        cells,
        buckets: buckets.slice(i, i + per),
        fromMs,
        toMs: point.timeMs,
      });
    }
  }
  return steps;
}

/** A stored event as read back from a level table. */
export interface Candidate {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly value: number;
  readonly timeMs: number;
}

export interface Neighbour extends Candidate {
  readonly distanceMeters: number;
}

export type StopDecision = { stop: true; reason: "enough" | "exhausted" } | { stop: false };

/** Stop as soon as k distinct neighbours are in hand, or when the plan has nothing left. */
export function stopDecision(distinctFound: number, k: number, stepsLeft: number): StopDecision {
  if (distinctFound >= k) return { stop: true, reason: "enough" };
  if (stepsLeft <= 0) return { stop: true, reason: "exhausted" };
  return { stop: false };
}

export interface SearchResult {
  readonly neighbours: readonly Neighbour[];
  readonly satisfied: boolean;
  readonly stoppedAtLength: number;
  readonly queries: number;
  readonly radiusMeters: number;
}

type Origin = Pick<GeoEvent, "id" | "lat" | "lon" | "timeMs">;

/** Whether a candidate may serve as a neighbour of `self`: not itself and not from its future. */
export function isEligible(self: Origin, c: Candidate): boolean {
  return c.id !== self.id && c.timeMs <= self.timeMs;
}

/**
 * The k eligible candidates nearest to `self` by great-circle distance, ties broken by newer time
 * then id; duplicates by id keep the first. Also the brute-force reference for recall benchmarks.
 */
export function nearestK(self: Origin, candidates: Iterable<Candidate>, k: number): Neighbour[] {
  const seen = new Set<string>();
  const all: Neighbour[] = [];
  for (const c of candidates) {
    if (!isEligible(self, c) || seen.has(c.id)) continue;
    seen.add(c.id);
    all.push({ ...c, distanceMeters: haversineMeters(self.lat, self.lon, c.lat, c.lon) });
  }
  all.sort(
    (a, b) =>
      a.distanceMeters - b.distanceMeters ||
      b.timeMs - a.timeMs ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return all.slice(0, Math.max(0, k));
}

/**
 * Runs the plan step by step through `fetchStep` (the storage port), keeping distinct eligible
 * candidates, until stopDecision says stop; returns the k nearest and how far the search went.
 */
export async function runSearch(
  self: GeoEvent,
  plan: readonly SearchStep[],
  k: number,
  mode: SearchMode,
  fetchStep: (step: SearchStep) => Promise<readonly Candidate[]>,
): Promise<SearchResult> {
  const found = new Map<string, Candidate>();
  let decision = stopDecision(0, k, plan.length);
  let queries = 0;
  let lastLength = 0;
  for (const step of plan) {
    if (decision.stop) break;
    const rows = await fetchStep(step);
    queries++;
    lastLength = step.length;
    for (const c of rows) {
      if (isEligible(self, c) && !found.has(c.id)) found.set(c.id, c);
    }
    decision = stopDecision(found.size, k, plan.length - queries);
  }
  const radiusMeters =
    lastLength === 0
      ? 0
      : coveredRadiusMeters(self.lat, self.lon, encode(self.lat, self.lon, lastLength), mode);
  return {
    neighbours: nearestK(self, found.values(), k),
    satisfied: decision.stop && decision.reason === "enough",
    stoppedAtLength: lastLength,
    queries,
    radiusMeters,
  };
}
