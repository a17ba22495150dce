/**
 * Where to start a search: the radius that held the k nearest around this place last time. A
 * search that starts there usually finishes in one read; one that starts too small pays a read
 * per widening, one that starts too large reads rows it does not need. Pure: no I/O, no clock.
 */
import type { SearchResult } from "./search.js";

/** Geohash lengths the hints are kept at, finest first: the finest known hint wins. */
export const HINT_KEY_LENGTHS = [6, 4] as const;

/**
 * A hinted start reaches this much beyond what sufficed last time: density fluctuates, and a
 * slightly larger first read is cheaper than a second one.
 */
export const HINT_MARGIN = 1.1;

/**
 * What a finished search says about the place: the k-th neighbour's distance when it found k, the
 * distance bound when the place is sparse (start there next time), nothing after a search cut
 * short by its read budget (it knows only a lower bound).
 *
 * When a partition's row limit shortened the window, the place is denser than the read could
 * take: k events over the whole `horizonMs` fit in a circle smaller by √(window / horizon), and a
 * search started there reads finer cells and keeps its full window. Without that correction the
 * hint would grow with every cut, towards coarse cells read newest rows first.
 */
export function radiusHint(result: SearchResult, k: number, horizonMs: number): number | undefined {
  if (result.outcome === "complete") {
    const kth = result.neighbours[k - 1]?.distanceMeters;
    if (kth === undefined || !result.windowCut || !(horizonMs > 0)) return kth;
    const span = Math.max(1, result.windowToMs - result.windowFromMs);
    return kth * Math.sqrt(Math.min(1, span / horizonMs));
  }
  if (result.outcome === "bounded") return result.maxDistanceMeters;
  return undefined;
}

/**
 * Start radii per region at several key lengths, each map bounded (least recently written
 * evicted first), so memory stays flat however many places the stream visits.
 */
export class DensityHints {
  private readonly maps = HINT_KEY_LENGTHS.map(() => new Map<string, number>());

  constructor(
    private readonly fallbackMeters: number,
    private readonly capacity = 50_000,
  ) {}

  /** The radius to start with around the point whose longest geohash is `hash`. */
  startRadius(hash: string): number {
    for (const [i, keyLength] of HINT_KEY_LENGTHS.entries()) {
      const hint = this.maps[i]?.get(hash.slice(0, keyLength));
      if (hint !== undefined) return hint * HINT_MARGIN;
    }
    return this.fallbackMeters;
  }

  /** Remembers the radius a search around `hash` needed (undefined: keep what was known). */
  record(hash: string, radiusMeters: number | undefined): void {
    if (radiusMeters === undefined || !Number.isFinite(radiusMeters)) return;
    for (const [i, keyLength] of HINT_KEY_LENGTHS.entries()) {
      const map = this.maps[i];
      if (map === undefined) continue;
      const key = hash.slice(0, keyLength);
      map.delete(key);
      map.set(key, radiusMeters);
      if (map.size > this.capacity) {
        const oldest = map.keys().next();
        if (oldest.done !== true) map.delete(oldest.value);
      }
    }
  }

  /** Regions with a hint at the finest key length (for tests and diagnostics). */
  get size(): number {
    return this.maps[0]?.size ?? 0;
  }
}
