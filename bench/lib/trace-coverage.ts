/**
 * What a row's collected trace covers. The bench's detector traces every check, so the verdict
 * of every injected anomaly it missed can be read back; the harness must then say whether it
 * read every check (only then is an anomaly absent from the trace "never checked" rather than
 * "not traced"). Neighbour recall, whose brute force is costly, compares a fixed share of the
 * checks chosen by event id, as the detector's own sampling used to.
 */
import type { TraceCheck, TraceCollection } from "./trace.js";

export interface TraceCoverage {
  /** The detector's TRACE_SAMPLE_RATE in the row. */
  readonly sampleRate: number;
  /** Distinct traced checks read. */
  readonly collected: number;
  /**
   * Traced checks never read (the ring dropped them before a poll reached them): the gaps in the
   * sequence numbers, which go up by one per traced check. Null when sampling makes that unknowable.
   */
  readonly unread: number | null;
  /** Every check the detector ran was read: every check traced, no gap, the last drain complete. */
  readonly complete: boolean;
  /** Why the trace is not complete; null when it is. */
  readonly incompleteBecause: string | null;
}

/** The coverage of `collection`, gathered from a detector that traced `sampleRate` of its checks. */
export function traceCoverage(
  collection: Pick<TraceCollection, "checks" | "available" | "drainedAtStop" | "lastError">,
  sampleRate: number,
): TraceCoverage {
  const seqs = collection.checks.map((c) => c.seq);
  const highest = seqs.reduce((a, b) => Math.max(a, b), 0);
  const unread = sampleRate >= 1 ? Math.max(0, highest - new Set(seqs).size) : null;
  const why: string[] = [];
  if (sampleRate < 1) why.push(`the detector traced a share ${sampleRate} of its checks`);
  if (!collection.available) why.push("the detector never served a trace");
  else if (!collection.drainedAtStop) {
    why.push(
      `the last read of the trace failed${collection.lastError === null ? "" : ` (${collection.lastError})`}`,
    );
  }
  if (unread !== null && unread > 0) {
    why.push(`${unread} traced checks were dropped from the detector's ring before they were read`);
  }
  return {
    sampleRate,
    collected: seqs.length,
    unread,
    complete: why.length === 0,
    incompleteBecause: why.length === 0 ? null : why.join("; "),
  };
}

/** FNV-1a of a string mapped to [0, 1): a stable, well-spread draw per event id. */
export function idDraw(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/** The checks whose event id draws under `share` (all of them when share >= 1). */
export function sampleChecks<T extends Pick<TraceCheck, "eventId">>(
  checks: readonly T[],
  share: number,
): T[] {
  return share >= 1 ? [...checks] : checks.filter((c) => idDraw(c.eventId) < share);
}
