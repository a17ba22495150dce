/**
 * results.json's per-distribution account of the injected anomalies that were not alerted: how
 * many, and how many of each kind of verdict (below the threshold, insufficient and why, beyond
 * it without an alert, not checked, not traced). The anomalies themselves are listed once, in
 * the row the distribution's figures come from, so the file does not hold them twice.
 */
import type { RowResult } from "../scenarios/variants.js";
import { rowLabel } from "./report-sections.js";
import type { MissCounts } from "./verdicts.js";

export interface DistributionMisses {
  readonly distribution: string;
  /** The row's label, and its index in results.json's `rows`; null when it did not run. */
  readonly row: string | null;
  readonly rowIndex: number | null;
  readonly anomalies: number | null;
  readonly alerted: number | null;
  readonly counts: MissCounts | null;
  /** The same counts over the anomalies of magnitude >= `strongFrom` only. */
  readonly strongFrom: number | null;
  readonly strongCounts: MissCounts | null;
  /** Every check was read, so an anomaly absent from the trace was never checked. */
  readonly traceComplete: boolean | null;
  readonly incompleteBecause: string | null;
}

/** The account of `distribution`, whose figures come from `run` (one of `rows`, if it ran). */
export function distributionMisses(
  distribution: string,
  rows: readonly RowResult[],
  run: RowResult | undefined,
): DistributionMisses {
  const m = run?.accuracy?.missed;
  const index = run === undefined ? -1 : rows.indexOf(run);
  return {
    distribution,
    row: run === undefined ? null : rowLabel(run),
    rowIndex: index < 0 ? null : index,
    anomalies: m?.anomalies ?? null,
    alerted: m?.alerted ?? null,
    counts: m?.counts ?? null,
    strongFrom: m?.strongFrom ?? null,
    strongCounts: m?.strongCounts ?? null,
    traceComplete: m?.trace.complete ?? null,
    incompleteBecause: m?.trace.incompleteBecause ?? null,
  };
}
