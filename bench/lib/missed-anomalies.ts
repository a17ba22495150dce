/**
 * Every injected anomaly of a row that was not alerted, with the detector's verdict on it read
 * from the trace of the checks it ran (bench/lib/verdicts.ts explains a verdict): recall figures
 * say how many were missed, this says why each one was, so a miss is never a mystery. Pure: the
 * labels, alerts and traced checks come in as plain values.
 */
import type { Truth } from "./stats.js";
import type { TraceCheck } from "./trace.js";
import type { TraceCoverage } from "./trace-coverage.js";
import {
  addVerdicts,
  countMisses,
  explainMisses,
  type MissCounts,
  type MissedAnomaly,
} from "./verdicts.js";

/** A missed injected anomaly with its size and whether it had neighbours to be compared with. */
export type MissedInjected = MissedAnomaly & {
  /** Injected size in local standard deviations. */
  readonly magnitude: number;
  /** It had MIN_NEIGHBOURS earlier events within the bound (brute force); null: not decided. */
  readonly local: boolean | null;
};

export interface MissedAnomalies {
  /** Injected anomalies in the measured phases (warm-up events carry none). */
  readonly anomalies: number;
  readonly alerted: number;
  /** The alert threshold the verdicts were judged against. */
  readonly threshold: number;
  readonly counts: MissCounts;
  /** The same counts over the misses of anomalies of magnitude >= `strongFrom`. */
  readonly strongFrom: number;
  readonly strongCounts: MissCounts;
  /** What the trace covered: whether "not checked" could be told from "not traced". */
  readonly trace: TraceCoverage;
  /** Largest magnitude first, then by id. */
  readonly missed: readonly MissedInjected[];
}

export interface MissedAnomaliesInput {
  readonly truths: readonly Truth[];
  readonly alertedIds: ReadonlySet<string>;
  /** Every traced check read from the detector (any order; the latest by seq wins). */
  readonly checks: readonly TraceCheck[];
  readonly threshold: number;
  readonly trace: TraceCoverage;
  /** Ids of the events with a local neighbourhood, when decided. */
  readonly local?: ReadonlySet<string>;
  readonly strongFrom?: number;
}

/** The missed injected anomalies of a row and their verdicts (see the module comment). */
export function missedAnomalies(input: MissedAnomaliesInput): MissedAnomalies {
  const strongFrom = input.strongFrom ?? 5;
  const injected = input.truths.filter((t) => t.magnitude > 0);
  const missedTruths = injected
    .filter((t) => !input.alertedIds.has(t.id))
    .sort((a, b) => b.magnitude - a.magnitude || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const wanted = new Set(missedTruths.map((t) => t.id));
  const checks = input.checks.filter((c) => wanted.has(c.eventId)).sort((a, b) => a.seq - b.seq);
  const verdicts = addVerdicts(checks);
  const explained = explainMisses(
    missedTruths.map((t) => t.id),
    verdicts,
    input.threshold,
    input.trace.complete,
  );
  const missed = explained.map((m, i): MissedInjected => ({
    ...m,
    magnitude: missedTruths[i]?.magnitude ?? 0,
    local: input.local === undefined ? null : input.local.has(m.id),
  }));
  return {
    anomalies: injected.length,
    alerted: injected.length - missed.length,
    threshold: input.threshold,
    counts: countMisses(missed),
    strongFrom,
    strongCounts: countMisses(missed.filter((m) => m.magnitude >= strongFrom)),
    trace: input.trace,
    missed,
  };
}
