/**
 * Adaptive start of the outward search. Searching always from the longest geohash costs one query
 * per length that turns out too small. Where recent searches around a place stopped at length h,
 * the next one starts at h + 1: one length finer than what sufficed, so it still finds the finest
 * sufficient length (a success there tightens the hint; a failure costs one query, then h
 * answers), while skipping the lengths known to be too small. Pure: no I/O, no clock.
 */
import { encode, ringCells } from "./geo.js";
import type { Neighbour, SearchMode, SearchResult } from "./search.js";

/** Geohash lengths the hints are kept at, finest first: the finest known hint wins. */
export const HINT_KEY_LENGTHS = [6, 4, 2] as const;

type Point = { readonly lat: number; readonly lon: number };

/**
 * Whether the k nearest neighbours all lie inside the searched area of the next finer length, so
 * that a search starting there would have found them: the evidence for tightening a hint.
 */
export function finerLengthSuffices(
  self: Point,
  neighbours: readonly Neighbour[],
  k: number,
  stoppedAt: number,
  mode: SearchMode,
  longest: number,
): boolean {
  if (stoppedAt >= longest || neighbours.length < k) return false;
  const finer = stoppedAt + 1;
  const own = encode(self.lat, self.lon, finer);
  const area = new Set(mode === "ring" ? ringCells(own) : [own]);
  return neighbours.every((n) => area.has(encode(n.lat, n.lon, finer)));
}

/**
 * The length the next search around here should start at, given how this one ended; undefined
 * when it says nothing (an exhausted search: too little data anywhere yet, so no length is known
 * to suffice, and starting coarse would only pull in far-away neighbours).
 */
export function nextHint(result: SearchResult, finerSuffices: boolean): number | undefined {
  if (!result.satisfied) return undefined;
  return finerSuffices ? result.stoppedAtLength + 1 : result.stoppedAtLength;
}

/**
 * Start-length hints per region, at several key lengths, each map bounded (oldest entries
 * evicted first). Lookups prefer the finest key length that has a hint.
 */
export class StartHints {
  private readonly maps = HINT_KEY_LENGTHS.map(() => new Map<string, number>());

  constructor(
    private readonly longest: number,
    private readonly capacity = 50_000,
  ) {}

  /** Where to start searching for `self`: one length finer than its hint, else the longest length. */
  startLength(self: Point): number {
    for (const [i, keyLength] of HINT_KEY_LENGTHS.entries()) {
      const hint = this.maps[i]?.get(encode(self.lat, self.lon, keyLength));
      if (hint !== undefined) return Math.min(this.longest, hint + 1);
    }
    return this.longest;
  }

  /** Remembers where a search for `self` should have started (undefined: forget what was known). */
  record(self: Point, hint: number | undefined): void {
    for (const [i, keyLength] of HINT_KEY_LENGTHS.entries()) {
      const map = this.maps[i];
      if (map === undefined) continue;
      const key = encode(self.lat, self.lon, keyLength);
      map.delete(key);
      if (hint === undefined) continue;
      map.set(key, hint);
      if (map.size > this.capacity) {
        const oldest = map.keys().next();
        if (oldest.done !== true) map.delete(oldest.value);
      }
    }
  }

  /** Number of regions with a hint at the finest key length (for tests and diagnostics). */
  get size(): number {
    return this.maps[0]?.size ?? 0;
  }
}
