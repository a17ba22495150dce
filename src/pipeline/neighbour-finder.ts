import { DensityHints, radiusHint } from "../domain/density-hints.js";
import type { Origin } from "../domain/neighbours.js";
import { KnnSearch, type SearchPolicy, type SearchResult } from "../domain/search.js";
import type { EventStore } from "./ports.js";

/** A finished search and the statements storage ran for it. */
export interface FoundNeighbours {
  readonly search: SearchResult;
  readonly statements: number;
}

/**
 * Runs the neighbour search against storage: where to start (density hints), each read the
 * search asks for, and what the place's density turned out to be for the next search here.
 */
export class NeighbourFinder {
  private readonly hints: DensityHints;

  constructor(
    private readonly store: Pick<EventStore, "read">,
    private readonly policy: SearchPolicy,
    startRadiusMeters: number,
    private readonly onRead: (seconds: number) => void = () => undefined,
  ) {
    this.hints = new DensityHints(startRadiusMeters);
  }

  /** The k nearest neighbours of `self`, whose geohash (at least 6 characters) is `hash`. */
  async find(self: Origin, hash: string): Promise<FoundNeighbours> {
    const search = new KnnSearch(self, this.policy, this.hints.startRadius(hash));
    let statements = 0;
    for (let read = search.nextRead(); read !== undefined; read = search.nextRead()) {
      const t0 = performance.now();
      const result = await this.store.read(read);
      this.onRead((performance.now() - t0) / 1000);
      statements += result.statements;
      search.absorb(read, result);
    }
    const result = search.result();
    const horizon = this.policy.levels.find((l) => l.length === result.stopLength)?.horizonMs ?? 0;
    this.hints.record(hash, radiusHint(result, this.policy.k, horizon));
    return { search: result, statements };
  }
}
