/**
 * Why an injected anomaly was not alerted, from the detector's own record of the checks it ran
 * (GET /trace): scored below the threshold (and by how much), insufficient and why, scored
 * beyond it with no alert received, or absent from the trace. Shared by the bench and the fault
 * suite, so a miss is explained the same way wherever it is counted and is never a mystery.
 */
import type { TraceCheck } from "./trace.js";

/** The last verdict a detector reached on one event (a redelivered event is checked again). */
export interface EventVerdict {
  readonly verdict: "scored" | "insufficient";
  readonly reason: string | null;
  readonly score: number | null;
  readonly neighbours: number;
  /** Checks of this event seen in the traces (more than one after a redelivery). */
  readonly checks: number;
}

/**
 * The kinds of miss, each counted apart in the reports:
 * - `below-threshold`: scored, |score| not beyond the threshold: the detector judged it normal;
 * - `beyond-threshold`: scored beyond the threshold, yet no alert arrived (an alert lost or late);
 * - `scored-unknown`: scored by a detector whose trace carries no score (an older release);
 * - `insufficient`: not scored, for the reason given (too few neighbours, no history, ...);
 * - `not-checked`: the trace is complete (every check read) and holds no check of it;
 * - `not-traced`: no check of it was read, and the trace is not known to be complete.
 */
export const MISS_KINDS = [
  "below-threshold",
  "beyond-threshold",
  "scored-unknown",
  "insufficient",
  "not-checked",
  "not-traced",
] as const;

export type MissKind = (typeof MISS_KINDS)[number];

/** An injected anomaly without an alert, and what the detector said about it. */
export interface MissedAnomaly {
  readonly id: string;
  readonly kind: MissKind;
  /** Undefined: no trace read holds a check of it. */
  readonly verdict?: EventVerdict;
  /** One line: "scored 3.10 (threshold 4, ...)", "insufficient: sparse (7 neighbours)", ... */
  readonly explanation: string;
}

/**
 * Adds traced checks to verdicts by event id (`into`, changed and returned): the latest check of
 * an event wins and its checks are counted.
 */
export function addVerdicts(
  checks: Iterable<TraceCheck>,
  into: Map<string, EventVerdict> = new Map(),
): Map<string, EventVerdict> {
  const out = into;
  for (const c of checks) {
    const before = out.get(c.eventId);
    out.set(c.eventId, {
      verdict: c.verdict,
      reason: c.reason,
      score: c.score ?? null,
      neighbours: c.neighbourIds.length,
      checks: (before?.checks ?? 0) + 1,
    });
  }
  return out;
}

/** The kind of miss a verdict makes (`undefined`: the event is absent from the trace). */
export function missKind(
  v: EventVerdict | undefined,
  threshold: number,
  traceComplete: boolean,
): MissKind {
  if (v === undefined) return traceComplete ? "not-checked" : "not-traced";
  if (v.verdict === "insufficient") return "insufficient";
  if (v.score === null) return "scored-unknown";
  // The detector alerts when |score| > threshold (src/domain/detect/scoring.ts isAnomalous).
  return Math.abs(v.score) > threshold ? "beyond-threshold" : "below-threshold";
}

function explain(kind: MissKind, v: EventVerdict | undefined, threshold: number): string {
  if (v === undefined) {
    return kind === "not-checked"
      ? "not checked: the complete trace holds no check of it"
      : "not traced: no detector recorded a check";
  }
  const again = v.checks > 1 ? `, checked ${v.checks} times` : "";
  const score = v.score === null ? "?" : v.score.toFixed(2);
  switch (kind) {
    case "insufficient":
      return `insufficient: ${v.reason ?? "?"} (${v.neighbours} neighbours${again})`;
    case "beyond-threshold":
      return `scored ${score} beyond the threshold ${threshold} but no alert received (${v.neighbours} neighbours${again})`;
    default:
      return `scored ${score} (threshold ${threshold}, ${v.neighbours} neighbours${again})`;
  }
}

/**
 * The explanation of each missed anomaly, `threshold` being the detector's alert threshold.
 * `traceComplete` says every check the detector ran was read, so an absent event was never checked.
 */
export function explainMisses(
  ids: readonly string[],
  verdicts: ReadonlyMap<string, EventVerdict>,
  threshold: number,
  traceComplete = false,
): MissedAnomaly[] {
  return ids.map((id) => {
    const v = verdicts.get(id);
    const kind = missKind(v, threshold, traceComplete);
    const explanation = explain(kind, v, threshold);
    return v === undefined ? { id, kind, explanation } : { id, kind, verdict: v, explanation };
  });
}

/** How many misses of each kind, and the insufficient ones by reason. */
export interface MissCounts {
  readonly missed: number;
  readonly byKind: Readonly<Record<MissKind, number>>;
  readonly insufficientByReason: Readonly<Record<string, number>>;
}

/** Counts `missed` by kind (every kind present, 0 when none) and insufficient ones by reason. */
export function countMisses(missed: readonly MissedAnomaly[]): MissCounts {
  const byKind = Object.fromEntries(MISS_KINDS.map((k) => [k, 0])) as Record<MissKind, number>;
  const byReason: Record<string, number> = {};
  for (const m of missed) {
    byKind[m.kind] += 1;
    if (m.kind === "insufficient") {
      const reason = m.verdict?.reason ?? "unknown";
      byReason[reason] = (byReason[reason] ?? 0) + 1;
    }
  }
  return { missed: missed.length, byKind, insufficientByReason: byReason };
}
