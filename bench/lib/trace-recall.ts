/**
 * Neighbour recall of the searches the detector really ran: each traced check against a brute
 * force over the bench's event log with the same distance bound (min(maxDistanceMeters,
 * coveredRadiusMeters)) and the same time window, ranked by the product's `nearestK` (same
 * eligibility, distance and tie-breaking). Where the neighbours differ, it tells a race (the
 * missing neighbour was produced after the check's event, or so shortly before that it may
 * still have been in flight, not yet stored) from a search that missed a stored neighbour.
 */
import { nearestK, type Candidate } from "../../src/domain/neighbours.js";
import { EventGrid } from "./event-grid.js";
import { mean, quantile, recallAtK } from "./stats.js";
import type { TraceCheck } from "./trace.js";

/** The fields of a trace entry the comparison uses. */
export type TracedCheck = Pick<
  TraceCheck,
  | "seq"
  | "eventId"
  | "lat"
  | "lon"
  | "timeMs"
  | "neighbourIds"
  | "stopLength"
  | "coveredRadiusMeters"
  | "maxDistanceMeters"
  | "windowFromMs"
  | "windowToMs"
  | "complete"
> &
  Partial<Pick<TraceCheck, "searchStartedAtMs">>;

export interface TraceRecallOptions {
  /** Neighbours wanted per check (SEARCH_K). */
  readonly k: number;
  /**
   * Missing neighbours produced at most this many events before the check's own event count as
   * in flight too (0: only those produced after it). A sensible value is what the pipeline can
   * hold unstored at once, e.g. CONCURRENCY × PARTITIONS_CONCURRENTLY.
   */
  readonly inFlightBefore?: number;
  /**
   * When each event was stored (e.g. its Cassandra write time). With it and the checks'
   * `searchStartedAtMs`, an event counts as in flight unless it was stored `graceMs` before the
   * search began: exact, where the production-order rule above is only a guess.
   */
  readonly storedAtMs?: ReadonlyMap<string, number>;
  /** How long before a search a write must have been issued to count as surely applied (2,000 ms). */
  readonly graceMs?: number;
  /** Bin size of the brute force's index (default 2,500 m); about half the usual distance bound. */
  readonly binMeters?: number;
  /** Mismatched checks kept as examples for the report. */
  readonly examples?: number;
}

/** A check whose neighbours were not the brute-force ones. */
export interface MismatchExample {
  readonly seq: number;
  readonly eventId: string;
  readonly stopLength: number;
  readonly recall: number | null;
  readonly missing: number;
  readonly missingInFlight: number;
  readonly extra: number;
}

export interface Spread {
  readonly mean: number | null;
  readonly p10: number | null;
}

export interface TraceRecallFigures {
  /** Trace entries given. */
  readonly traced: number;
  /** Entries whose event is in the log (the others cannot be checked). */
  readonly evaluated: number;
  readonly unknownEvents: number;
  /** Entries whose position or time differs from the logged event's (a harness/detector mismatch). */
  readonly inconsistent: number;
  /** Evaluated checks whose reference is not empty: recall is defined for these. */
  readonly withReference: number;
  /** recall@k against the brute force, over `withReference` checks. */
  readonly recall: Spread;
  /** recall@k against the brute force without the in-flight events: the search's own misses. */
  readonly recallWithoutInFlight: Spread;
  /** Share of traced checks the detector marked `complete`. */
  readonly completeShare: number | null;
  /** Evaluated checks whose neighbour set is not the brute force's. */
  readonly mismatched: number;
  readonly mismatchedShare: number | null;
  /** Mismatched checks whose every missing neighbour was in flight: a race, not a search miss. */
  readonly mismatchedRaceOnly: number;
  /** Mismatched checks missing at least one neighbour that was stored in time. */
  readonly mismatchedSearchMiss: number;
  /** Missing reference neighbours in all, those produced after the check's event, and in flight. */
  readonly missingNeighbours: number;
  readonly missingProducedAfter: number;
  readonly missingInFlight: number;
  /** Neighbours the detector returned that the brute force does not rank in its k. */
  readonly extraNeighbours: number;
  readonly examples: readonly MismatchExample[];
}

const POSITION_TOLERANCE_DEG = 1e-9;

/**
 * Compares every traced check with the brute force over `events`, the log's events in
 * production order (e.g. `log.events.map((e) => e.event)`), and summarises (see the figures).
 */
export function traceRecall(
  checks: readonly TracedCheck[],
  events: readonly Candidate[],
  options: TraceRecallOptions,
): TraceRecallFigures {
  const { k } = options;
  const inFlightBefore = options.inFlightBefore ?? 0;
  const order = new Map<string, number>();
  events.forEach((e, i) => order.set(e.id, i));
  const byId = new Map(events.map((e) => [e.id, e]));
  const grid = new EventGrid(events, options.binMeters ?? 2_500);
  const recalls: number[] = [];
  const searchRecalls: number[] = [];
  const examples: MismatchExample[] = [];
  let evaluated = 0;
  let inconsistent = 0;
  let mismatched = 0;
  let raceOnly = 0;
  let searchMiss = 0;
  let missingAll = 0;
  let missingAfter = 0;
  let missingInFlight = 0;
  let extraAll = 0;

  for (const check of checks) {
    const self = byId.get(check.eventId);
    const position = order.get(check.eventId);
    if (self === undefined || position === undefined) continue;
    evaluated++;
    if (
      Math.abs(self.lat - check.lat) > POSITION_TOLERANCE_DEG ||
      Math.abs(self.lon - check.lon) > POSITION_TOLERANCE_DEG ||
      self.timeMs !== check.timeMs
    ) {
      inconsistent++;
    }
    const bound = Math.max(0, Math.min(check.maxDistanceMeters, check.coveredRadiusMeters));
    const origin = { id: check.eventId, lat: check.lat, lon: check.lon, timeMs: check.timeMs };
    const startedAt = check.searchStartedAtMs;
    const storedAt = options.storedAtMs;
    const inFlight =
      storedAt !== undefined && startedAt !== undefined
        ? (id: string): boolean =>
            !((storedAt.get(id) ?? Infinity) < startedAt - (options.graceMs ?? 2_000))
        : (id: string): boolean => (order.get(id) ?? -Infinity) >= position - inFlightBefore;
    const found = new Set(check.neighbourIds);
    const eligible = (c: Candidate): boolean => c.id !== origin.id && c.timeMs <= origin.timeMs;
    const nearest = (keep: (c: Candidate) => boolean): string[] =>
      nearestK(
        origin,
        grid.nearestCandidates(
          check.lat,
          check.lon,
          bound,
          check.windowFromMs,
          check.windowToMs,
          k,
          keep,
        ),
        k,
      ).map((n) => n.id);
    const reference = nearest(eligible);
    // What the search could surely see: events stored in time, and any it did find.
    const stored = nearest((c) => eligible(c) && (!inFlight(c.id) || found.has(c.id)));

    const recall = recallAtK(check.neighbourIds, reference, k);
    if (recall !== null) recalls.push(recall);
    const searchRecall = recallAtK(check.neighbourIds, stored, k);
    if (searchRecall !== null) searchRecalls.push(searchRecall);

    const referenceSet = new Set(reference);
    const missing = reference.filter((id) => !found.has(id));
    const extra = [...found].filter((id) => !referenceSet.has(id)).length;
    if (missing.length === 0 && extra === 0) continue;
    mismatched++;
    const after = missing.filter((id) => (order.get(id) ?? -Infinity) > position).length;
    const flying = missing.filter(inFlight).length;
    missingAll += missing.length;
    missingAfter += after;
    missingInFlight += flying;
    extraAll += extra;
    if (missing.length > 0 && flying === missing.length) raceOnly++;
    if (flying < missing.length) searchMiss++;
    if (examples.length < (options.examples ?? 5)) {
      examples.push({
        seq: check.seq,
        eventId: check.eventId,
        stopLength: check.stopLength,
        recall,
        missing: missing.length,
        missingInFlight: flying,
        extra,
      });
    }
  }
  const share = (n: number, of: number): number | null => (of === 0 ? null : n / of);
  return {
    traced: checks.length,
    evaluated,
    unknownEvents: checks.length - evaluated,
    inconsistent,
    withReference: recalls.length,
    recall: { mean: mean(recalls), p10: quantile(recalls, 0.1) },
    recallWithoutInFlight: { mean: mean(searchRecalls), p10: quantile(searchRecalls, 0.1) },
    completeShare: share(checks.filter((c) => c.complete).length, checks.length),
    mismatched,
    mismatchedShare: share(mismatched, evaluated),
    mismatchedRaceOnly: raceOnly,
    mismatchedSearchMiss: searchMiss,
    missingNeighbours: missingAll,
    missingProducedAfter: missingAfter,
    missingInFlight,
    extraNeighbours: extraAll,
    examples,
  };
}
