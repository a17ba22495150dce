/**
 * Why an injected anomaly was not alerted, from the detector's own record of the checks it ran:
 * every detector of a fault run traces every check (TRACE_SAMPLE_RATE=1) and the suite collects
 * GET /trace in the background, draining it just before it stops or kills a detector. A miss is
 * then explained by its verdict (scored below the threshold, or insufficient and why), or marked
 * as never checked, so no miss is a mystery.
 */
import type { TraceCheck } from "../bench/lib/trace.js";

/**
 * The settings that make a detector trace every check. The suite reads the trace every second,
 * so the ring needs room for a few minutes of checks only (a full ring drops the oldest, which
 * the suite counts), and a detector's memory stays near what it is without tracing.
 */
export const TRACE_EVERY_CHECK = { TRACE_SAMPLE_RATE: "1", TRACE_CAPACITY: "20000" } as const;

/** The last verdict a detector reached on one event (a redelivered event is checked again). */
export interface EventVerdict {
  readonly verdict: "scored" | "insufficient";
  readonly reason: string | null;
  readonly score: number | null;
  readonly neighbours: number;
  /** Checks of this event seen in the traces (more than one after a redelivery). */
  readonly checks: number;
}

/** An injected anomaly without an alert, and what the detector said about it. */
export interface MissedAnomaly {
  readonly id: string;
  /** Undefined: no detector's trace holds a check of it (never checked, or its trace was lost). */
  readonly verdict?: EventVerdict;
  /** One line: "scored 3.1 (threshold 4)", "insufficient: sparse (7 neighbours)", "not traced". */
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

/** The explanation of each missed anomaly, `threshold` being the detector's alert threshold. */
export function explainMisses(
  ids: readonly string[],
  verdicts: ReadonlyMap<string, EventVerdict>,
  threshold: number,
): MissedAnomaly[] {
  return ids.map((id) => {
    const v = verdicts.get(id);
    if (v === undefined) return { id, explanation: "not traced: no detector recorded a check" };
    const again = v.checks > 1 ? `, checked ${v.checks} times` : "";
    const explanation =
      v.verdict === "insufficient"
        ? `insufficient: ${v.reason ?? "?"} (${v.neighbours} neighbours${again})`
        : `scored ${v.score === null ? "?" : v.score.toFixed(2)} (threshold ${threshold}, ${v.neighbours} neighbours${again})`;
    return { id, verdict: v, explanation };
  });
}
