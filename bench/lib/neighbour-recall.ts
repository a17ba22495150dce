/**
 * Neighbour recall of the searches the detector really ran (its trace), against brute force over
 * the row's events as the final store and the input topic know them:
 * - the nominal window [t - horizon(stop length), t] and the configured distance bound, never a
 *   window a per-partition row bound cut short nor the radius the search happened to cover;
 * - the detector's batch rule: an event never has as neighbour an event of the same Kafka
 *   partition with a later offset (positions recovered by reading the input topic);
 * - a reference neighbour the check missed is IN FLIGHT when it came from another partition and
 *   its row's Cassandra write time is after the check's search began (a race, reported apart),
 *   LOST when the final store has no row for it (a loss, never excused), else a SEARCH MISS.
 * Pure: inputs are plain maps, so the rules are unit-tested without servers.
 */
import { nearestK, type Candidate } from "../../src/domain/detect/neighbours.js";
import { EventGrid } from "./event-grid.js";
import { mean, quantile, recallAtK } from "./stats.js";
import type { TraceCheck } from "./trace.js";

/** The fields of a trace entry the comparison uses. */
export type TracedCheck = Pick<
  TraceCheck,
  "seq" | "eventId" | "lat" | "lon" | "timeMs" | "neighbourIds" | "stopLength" | "complete"
> &
  Partial<Pick<TraceCheck, "searchStartedAtMs" | "windowFromMs" | "windowToMs">> & {
    readonly partition?: number | undefined;
    readonly offset?: string | undefined;
  };

/** Where a record sits in the input topic. */
export interface TopicPosition {
  readonly partition: number;
  readonly offset: bigint;
}

export interface NeighbourRecallInput {
  readonly checks: readonly TracedCheck[];
  /** Every event produced in the row (warm-up included), as generated. */
  readonly events: readonly Candidate[];
  /** Neighbours wanted per check (SEARCH_K). */
  readonly k: number;
  /** The configured distance bound (MAX_NEIGHBOUR_DISTANCE_M). */
  readonly maxDistanceMeters: number;
  /** Search horizon of each stored geohash length: the nominal window of a check stopping there. */
  readonly horizonMsByLength: ReadonlyMap<number, number>;
  /** Each event's record in the input topic; without it the batch rule cannot be applied. */
  readonly positions?: ReadonlyMap<string, TopicPosition>;
  /** Write time (ms) of each event's row in the final store; without it nothing is classified. */
  readonly storedAtMs?: ReadonlyMap<string, number>;
  /** Bin size of the brute force's index (default 2,500 m). */
  readonly binMeters?: number;
  /** Mismatched checks kept as examples for the report. */
  readonly examples?: number;
}

/** A check whose neighbours were not the reference's. */
export interface MismatchExample {
  readonly seq: number;
  readonly eventId: string;
  readonly stopLength: number;
  readonly recall: number | null;
  readonly missingSearch: number;
  readonly missingInFlight: number;
  readonly missingLost: number;
  readonly extra: number;
  /** For the first search miss: how long before the search its row was written (ms). */
  readonly searchMissWrittenBeforeMs: number | null;
}

export interface Spread {
  readonly mean: number | null;
  readonly p10: number | null;
}

export interface NeighbourRecallFigures {
  readonly traced: number;
  /** Entries whose event was produced in the row (the others cannot be checked). */
  readonly evaluated: number;
  readonly unknownEvents: number;
  /** Entries whose position, time or Kafka record differs from the row's (a harness/detector mismatch). */
  readonly inconsistent: number;
  /** Whether the final store and the topic positions were available to the comparison. */
  readonly storeRead: boolean;
  readonly positionsKnown: boolean;
  /** Evaluated checks with a non-empty reference: recall is defined for these. */
  readonly withReference: number;
  /** recall@k against the reference, in-flight races counted as misses. */
  readonly recallWithInFlight: Spread;
  /** recall@k with in-flight races left out of the reference (lost writes still count). */
  readonly recall: Spread;
  readonly completeShare: number | null;
  /** Reference neighbours in all (sum of min(k, |reference|)). */
  readonly referenceNeighbours: number;
  readonly missingNeighbours: number;
  readonly missingInFlight: number;
  readonly missingLost: number;
  readonly missingSearch: number;
  /** Search misses of the same partition at an earlier offset: never a race under the batch rule. */
  readonly missingSearchSamePartition: number;
  /** missingInFlight / referenceNeighbours. */
  readonly inFlightShare: number | null;
  readonly extraNeighbours: number;
  /** Returned neighbours of the same partition at a later offset: the batch rule broken. */
  readonly extraLaterSamePartition: number;
  readonly mismatched: number;
  readonly mismatchedShare: number | null;
  readonly mismatchedRaceOnly: number;
  /** Mismatched checks missing at least one neighbour that was stored in time, or lost. */
  readonly mismatchedMiss: number;
  readonly examples: readonly MismatchExample[];
}

const POSITION_TOLERANCE_DEG = 1e-9;

function traceMatchesTopic(check: TracedCheck, at: TopicPosition | undefined): boolean {
  if (at === undefined || check.partition === undefined || check.offset === undefined) return true;
  return check.partition === at.partition && BigInt(check.offset) === at.offset;
}

/** Compares every traced check with its reference (see the module comment) and summarises. */
export function neighbourRecall(input: NeighbourRecallInput): NeighbourRecallFigures {
  const { k, positions, storedAtMs } = input;
  const byId = new Map(input.events.map((e) => [e.id, e]));
  const grid = new EventGrid(input.events, input.binMeters ?? 2_500);
  const withInFlight: number[] = [];
  const settled: number[] = [];
  const examples: MismatchExample[] = [];
  const n = {
    evaluated: 0,
    inconsistent: 0,
    reference: 0,
    missing: 0,
    inFlight: 0,
    lost: 0,
    search: 0,
    searchSame: 0,
    extra: 0,
    extraLater: 0,
    mismatched: 0,
    raceOnly: 0,
    miss: 0,
  };

  for (const check of input.checks) {
    const self = byId.get(check.eventId);
    if (self === undefined) continue;
    n.evaluated++;
    const at = positions?.get(check.eventId);
    if (
      Math.abs(self.lat - check.lat) > POSITION_TOLERANCE_DEG ||
      Math.abs(self.lon - check.lon) > POSITION_TOLERANCE_DEG ||
      self.timeMs !== check.timeMs ||
      !traceMatchesTopic(check, at)
    ) {
      n.inconsistent++;
    }
    const horizon =
      input.horizonMsByLength.get(check.stopLength) ??
      (check.windowFromMs !== undefined && check.windowToMs !== undefined
        ? check.windowToMs - check.windowFromMs
        : Infinity);
    const samePartition = (id: string): boolean =>
      at !== undefined && positions?.get(id)?.partition === at.partition;
    const laterSamePartition = (id: string): boolean => {
      const p = positions?.get(id);
      return (
        at !== undefined && p !== undefined && p.partition === at.partition && p.offset > at.offset
      );
    };
    const lost = (id: string): boolean => storedAtMs !== undefined && !storedAtMs.has(id);
    const started = check.searchStartedAtMs;
    const inFlight = (id: string): boolean => {
      const written = storedAtMs?.get(id);
      return (
        written !== undefined && started !== undefined && written > started && !samePartition(id)
      );
    };
    const found = new Set(check.neighbourIds);
    const origin = { id: self.id, lat: self.lat, lon: self.lon, timeMs: self.timeMs };
    const eligible = (c: Candidate): boolean =>
      c.id !== self.id && c.timeMs <= self.timeMs && !laterSamePartition(c.id);
    const nearest = (keep: (c: Candidate) => boolean): string[] =>
      nearestK(
        origin,
        grid.nearestCandidates(
          self.lat,
          self.lon,
          input.maxDistanceMeters,
          self.timeMs - horizon,
          self.timeMs,
          k,
          keep,
        ),
        k,
      ).map((c) => c.id);
    const reference = nearest(eligible);
    const surelyThere = nearest((c) => eligible(c) && (!inFlight(c.id) || found.has(c.id)));
    const r = recallAtK(check.neighbourIds, reference, k);
    if (r !== null) withInFlight.push(r);
    const rs = recallAtK(check.neighbourIds, surelyThere, k);
    if (rs !== null) settled.push(rs);
    n.reference += Math.min(k, reference.length);

    const referenceSet = new Set(reference);
    const missing = reference.filter((id) => !found.has(id));
    const extras = [...found].filter((id) => !referenceSet.has(id));
    if (missing.length === 0 && extras.length === 0) continue;
    n.mismatched++;
    const flying = missing.filter(inFlight);
    const lostOnes = missing.filter((id) => lost(id));
    const searchMisses = missing.filter((id) => !inFlight(id) && !lost(id));
    n.missing += missing.length;
    n.inFlight += flying.length;
    n.lost += lostOnes.length;
    n.search += searchMisses.length;
    n.searchSame += searchMisses.filter(samePartition).length;
    n.extra += extras.length;
    n.extraLater += extras.filter(laterSamePartition).length;
    if (missing.length > 0 && flying.length === missing.length) n.raceOnly++;
    if (searchMisses.length + lostOnes.length > 0) n.miss++;
    if (examples.length < (input.examples ?? 5)) {
      const first = searchMisses[0];
      const written = first === undefined ? undefined : storedAtMs?.get(first);
      examples.push({
        seq: check.seq,
        eventId: check.eventId,
        stopLength: check.stopLength,
        recall: r,
        missingSearch: searchMisses.length,
        missingInFlight: flying.length,
        missingLost: lostOnes.length,
        extra: extras.length,
        searchMissWrittenBeforeMs:
          written === undefined || started === undefined ? null : started - written,
      });
    }
  }
  const share = (a: number, of: number): number | null => (of === 0 ? null : a / of);
  return {
    traced: input.checks.length,
    evaluated: n.evaluated,
    unknownEvents: input.checks.length - n.evaluated,
    inconsistent: n.inconsistent,
    storeRead: storedAtMs !== undefined,
    positionsKnown: positions !== undefined,
    withReference: withInFlight.length,
    recallWithInFlight: { mean: mean(withInFlight), p10: quantile(withInFlight, 0.1) },
    recall: { mean: mean(settled), p10: quantile(settled, 0.1) },
    completeShare: share(input.checks.filter((c) => c.complete).length, input.checks.length),
    referenceNeighbours: n.reference,
    missingNeighbours: n.missing,
    missingInFlight: n.inFlight,
    missingLost: n.lost,
    missingSearch: n.search,
    missingSearchSamePartition: n.searchSame,
    inFlightShare: share(n.inFlight, n.reference),
    extraNeighbours: n.extra,
    extraLaterSamePartition: n.extraLater,
    mismatched: n.mismatched,
    mismatchedShare: share(n.mismatched, n.evaluated),
    mismatchedRaceOnly: n.raceOnly,
    mismatchedMiss: n.miss,
    examples,
  };
}
