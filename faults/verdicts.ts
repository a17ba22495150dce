/**
 * Why an injected anomaly was not alerted, from the detector's own record of the checks it ran:
 * every detector of a fault run traces every check (TRACE_SAMPLE_RATE=1) and the suite collects
 * GET /trace in the background, draining it just before it stops or kills a detector. A miss is
 * then explained by its verdict (scored below the threshold, or insufficient and why), or marked
 * as never checked, so no miss is a mystery. The explanation itself is shared with the bench
 * (bench/lib/verdicts.ts), so both count misses the same way.
 */
export {
  addVerdicts,
  countMisses,
  explainMisses,
  type EventVerdict,
  type MissCounts,
  type MissedAnomaly,
  type MissKind,
} from "../bench/lib/verdicts.js";

/**
 * The settings that make a detector trace every check. The suite reads the trace every second,
 * so the ring needs room for a few minutes of checks only (a full ring drops the oldest, which
 * the suite counts), and a detector's memory stays near what it is without tracing.
 */
export const TRACE_EVERY_CHECK = { TRACE_SAMPLE_RATE: "1", TRACE_CAPACITY: "20000" } as const;
