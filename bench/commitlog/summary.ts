/**
 * The commit-log figures as data and as Markdown tables (pure, unit-tested). Absolute rates drift
 * with whatever else runs on the machine, so each variant is compared with the baseline measured
 * next to it in the same round (variants interleave A B A B): the ratio of a round is the
 * variant's rate over the baseline's, and the table gives the median and range of those ratios.
 * The reads measured after each insert phase are a control: the commit log does not touch
 * reads, so their ratio says how much of an insert ratio is the machine rather than the mode.
 */
import type { LostWritesResult } from "./lost-writes.js";
import type { StackName } from "./variants.js";

export interface CapacityRecord {
  readonly variant: string;
  /** 1-based round; every variant is measured once per round. */
  readonly round: number;
  readonly concurrency: number;
  readonly insertsPerSecond: number;
  /** Single-partition reads/s right after (the control). */
  readonly readsPerSecond: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly clientCores: number;
  readonly loadAverage: { readonly before: number; readonly after: number };
}

export interface LostRecord extends LostWritesResult {
  readonly variant: string;
  readonly round: number;
}

export interface StackRun {
  readonly stack: StackName;
  readonly date: string;
  readonly commit: string;
  readonly variants: readonly string[];
  readonly concurrencies: readonly number[];
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly capacity: CapacityRecord[];
  readonly lostWrites: LostRecord[];
  /** Measurements that failed (their figures are missing from the tables). */
  readonly failures: { variant: string; round: number; what: string; error: string }[];
  /** 1-minute load average when the run started and ended (2 cores: above 2 is contention). */
  readonly loadAverage: { start: number; end: number };
}

/** Median (mean of the middle two when even), min and max; null when empty. */
export function spread(
  values: readonly number[],
): { median: number; min: number; max: number } | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median =
    s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number };
}

/** Per round, `variant`'s value over the baseline's (rounds missing either are skipped). */
export function pairedRatios(
  records: readonly CapacityRecord[],
  variant: string,
  baseline: string,
  concurrency: number,
  value: (r: CapacityRecord) => number,
): number[] {
  const at = (v: string, round: number): CapacityRecord | undefined =>
    records.find((r) => r.variant === v && r.round === round && r.concurrency === concurrency);
  const rounds = [...new Set(records.map((r) => r.round))].sort((a, b) => a - b);
  return rounds.flatMap((round) => {
    const a = at(variant, round);
    const b = at(baseline, round);
    return a !== undefined && b !== undefined && value(b) > 0 ? [value(a) / value(b)] : [];
  });
}

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const ratio = (n: number): string => n.toFixed(2);

function range(values: readonly number[], show: (n: number) => string): string {
  const s = spread(values);
  if (s === null) return "n/a";
  return values.length === 1 ? show(s.median) : `${show(s.median)} (${show(s.min)}–${show(s.max)})`;
}

/** Markdown: inserts/s per concurrency and variant, with ratios to `baseline` (the first variant). */
export function capacityTable(run: StackRun): string[] {
  const baseline = run.variants[0] ?? "";
  const lines = [
    `| in flight | variant | inserts/s median (min–max) | ratio to ${baseline} | reads/s ratio (control) | errors |`,
    "| --: | --- | --: | --: | --: | --: |",
  ];
  for (const c of run.concurrencies) {
    for (const v of run.variants) {
      const rows = run.capacity.filter((r) => r.variant === v && r.concurrency === c);
      if (rows.length === 0) continue;
      const inserts = range(
        rows.map((r) => r.insertsPerSecond),
        int,
      );
      const versusBaseline = (pick: (r: CapacityRecord) => number): string =>
        v === baseline ? "1" : range(pairedRatios(run.capacity, v, baseline, c, pick), ratio);
      const vs = versusBaseline((r) => r.insertsPerSecond);
      const control = versusBaseline((r) => r.readsPerSecond);
      const errors = rows.reduce((s, r) => s + r.errors, 0);
      lines.push(`| ${c} | ${v} | ${inserts} | ${vs} | ${control} | ${errors} |`);
    }
  }
  return lines;
}

/** Markdown: acknowledged rows lost per kill scenario and variant, every round listed. */
export function lostWritesTable(run: StackRun): string[] {
  const lines = [
    "| SIGKILL of | variant | acknowledged (per round) | lost (per round) | missing at the product's consistency right after restart | restart s |",
    "| --- | --- | --- | --- | --- | --: |",
  ];
  const scenarios = [...new Set(run.lostWrites.map((r) => r.scenario))];
  for (const scenario of scenarios) {
    for (const v of run.variants) {
      const rows = run.lostWrites
        .filter((r) => r.scenario === scenario && r.variant === v)
        .sort((a, b) => a.round - b.round);
      if (rows.length === 0) continue;
      const list = (f: (r: LostRecord) => number): string => rows.map((r) => int(f(r))).join(", ");
      const restart = spread(rows.map((r) => r.restartSeconds));
      lines.push(
        `| ${rows[0]?.killed.join(", ") ?? ""} (${scenario}) | ${v} | ${list((r) => r.acknowledged)} | ${list((r) => r.lost)} | ${list((r) => r.missingAtProductConsistency)} | ${restart === null ? "n/a" : restart.median.toFixed(0)} |`,
      );
    }
  }
  return lines;
}
