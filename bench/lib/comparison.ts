/**
 * The default row's runs of each checkout, the run whose sustained rate is the median of its
 * repeats, and a before/after comparison of this checkout's runs with another checkout's,
 * interleaved on the same servers (`--compare`).
 */
import type { RowResult } from "../scenarios/variants.js";
import type { CommitInfo } from "./commit.js";
import { summarizeRepeats, type RepeatsSummary } from "./repeats.js";
import { DEFAULT_ROW } from "./run-order.js";

/** The headline figures of one detector (this checkout's, or the compared one's). */
export interface SideFigures {
  /** Sustained checks/s over the repeats. */
  readonly repeats: RepeatsSummary;
  readonly statementsPerCheck: number | null;
  readonly statementsFrom: string | null;
  readonly rowsReadPerCheckP50: number | null;
  readonly cpuSecondsPer1000Checks: number | null;
  readonly p99Ms: number | null;
  readonly neighbourRecall: number | null;
  readonly precision: number | null;
  readonly drained: boolean;
}

/** Both checkouts of a before/after run, and this one's figures over the compared one's. */
export interface Comparison {
  readonly checkout: string;
  readonly commit: CommitInfo;
  readonly this: SideFigures;
  readonly compared: SideFigures;
  readonly ratios: {
    readonly sustainedMedian: number | null;
    readonly statementsPerCheck: number | null;
    readonly cpuSecondsPer1000Checks: number | null;
    readonly p99Ms: number | null;
  };
}

/** This (or the compared) checkout's unprofiled default-row runs, in run order. */
export function defaultRuns(
  rows: readonly RowResult[],
  detector: "this" | "compared",
): RowResult[] {
  return rows.filter((r) => r.variant === DEFAULT_ROW && r.detector === detector && !r.profiled);
}

/** The run whose sustained rate is the median of the repeats (the first run when none has one). */
export function medianRun(runs: readonly RowResult[]): {
  readonly run: RowResult | undefined;
  readonly repeats: RepeatsSummary;
} {
  const repeats = summarizeRepeats(runs.map((r) => r.checksPerSecond));
  return { run: runs[repeats.medianIndex ?? 0], repeats };
}

function sideFigures(runs: readonly RowResult[]): SideFigures {
  const { run, repeats } = medianRun(runs);
  return {
    repeats,
    statementsPerCheck: run?.cost?.statementsPerCheck ?? null,
    statementsFrom: run?.cost?.statementsFrom ?? null,
    rowsReadPerCheckP50: run?.cost?.rowsReadPerCheck.p50 ?? null,
    cpuSecondsPer1000Checks: run?.cpuSecondsPer1000Checks ?? null,
    p99Ms: run?.halfRate?.latencyMs.p99 ?? null,
    neighbourRecall: run?.accuracy?.recall.recall.mean ?? null,
    precision: run?.accuracy?.detection.precision ?? null,
    drained: runs.length > 0 && runs.every((r) => r.drained),
  };
}

const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : a / b;

/** This checkout's figures beside the compared one's. */
export function comparisonOf(
  rows: readonly RowResult[],
  checkout: string,
  commit: CommitInfo,
): Comparison {
  const a = sideFigures(defaultRuns(rows, "this"));
  const b = sideFigures(defaultRuns(rows, "compared"));
  return {
    checkout,
    commit,
    this: a,
    compared: b,
    ratios: {
      sustainedMedian: ratio(a.repeats.median, b.repeats.median),
      statementsPerCheck: ratio(a.statementsPerCheck, b.statementsPerCheck),
      cpuSecondsPer1000Checks: ratio(a.cpuSecondsPer1000Checks, b.cpuSecondsPer1000Checks),
      p99Ms: ratio(a.p99Ms, b.p99Ms),
    },
  };
}
