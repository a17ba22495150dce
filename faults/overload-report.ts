/** Figures of an overload run, its bar and its markdown report. Pure. */

export interface OverloadSample {
  readonly tS: number;
  readonly phase: "before" | "overload" | "recovery" | "after";
  readonly rssMiB: number;
  /** V8 heap in use (0 when /metrics did not answer). */
  readonly heapUsedMiB: number;
  readonly backlog: number;
  readonly healthz: number;
  readonly readyz: number;
}

export interface OverloadRun {
  readonly startedAt: string;
  readonly machine: string;
  readonly sustainedPerSecond: number;
  readonly lowPerSecond: number;
  readonly highPerSecond: number;
  readonly overloadMinutes: number;
  readonly overloadEndS: number;
  readonly drainSeconds: number;
  readonly p99BeforeMs: number | null;
  readonly p99AfterMs: number | null;
  readonly crashes: number;
  readonly samples: readonly OverloadSample[];
  readonly failures: readonly string[];
}

/**
 * Memory that follows the backlog shows in the low points of the V8 heap (what survives
 * collections): the lowest sample of the last third of the overload may exceed the first third's
 * by this share plus FLOOR_SLACK_MIB. Peaks are reported but not judged: they follow the
 * allocation rate and the collector's pacing, not what is kept.
 */
export const FLOOR_GROWTH_LIMIT = 0.5;
export const FLOOR_SLACK_MIB = 16;
/** The bound the detector's RSS must stay under through the whole run. */
export const RSS_LIMIT_MIB = 1024;

export interface OverloadFigures {
  readonly rssBeforeMiB: number;
  readonly peakRssMiB: number;
  /** Peaks of RSS and V8 heap in the first and second half of the overload. */
  readonly rssFirstHalfPeakMiB: number;
  readonly rssSecondHalfPeakMiB: number;
  readonly heapFirstHalfPeakMiB: number;
  readonly heapSecondHalfPeakMiB: number;
  /** Lowest V8 heap sample in the first and last third of the overload. */
  readonly heapFirstThirdFloorMiB: number;
  readonly heapLastThirdFloorMiB: number;
  readonly peakBacklog: number;
  readonly backlogMidOverload: number;
  readonly backlogEndOverload: number;
  /** Probes that got an answer other than 200. */
  readonly unhealthyAnswers: number;
  /** Probes that got no answer within 2 s, and the longest run of them in a row. */
  readonly probeTimeouts: number;
  readonly longestTimeoutRun: number;
  readonly unreadySamples: number;
}

const peak = (xs: readonly number[]): number => Math.max(0, ...xs);
/** The lowest heap sample that got an answer (0 means /metrics did not answer). */
const floor = (xs: readonly OverloadSample[]): number => {
  const answered = xs.map((s) => s.heapUsedMiB).filter((v) => v > 0);
  return answered.length === 0 ? 0 : Math.min(...answered);
};

export function overloadFigures(run: OverloadRun): OverloadFigures {
  const of = (phase: OverloadSample["phase"]): readonly OverloadSample[] =>
    run.samples.filter((s) => s.phase === phase);
  const over = of("overload");
  const half = Math.floor(over.length / 2);
  const first = over.slice(0, half);
  const second = over.slice(half);
  const third = Math.floor(over.length / 3);
  let run0 = 0;
  let longestTimeoutRun = 0;
  for (const s of run.samples) {
    run0 = s.healthz === 0 ? run0 + 1 : 0;
    longestTimeoutRun = Math.max(longestTimeoutRun, run0);
  }
  return {
    rssBeforeMiB: peak(of("before").map((s) => s.rssMiB)),
    peakRssMiB: peak(run.samples.map((s) => s.rssMiB)),
    rssFirstHalfPeakMiB: peak(first.map((s) => s.rssMiB)),
    rssSecondHalfPeakMiB: peak(second.map((s) => s.rssMiB)),
    heapFirstHalfPeakMiB: peak(first.map((s) => s.heapUsedMiB)),
    heapSecondHalfPeakMiB: peak(second.map((s) => s.heapUsedMiB)),
    heapFirstThirdFloorMiB: floor(over.slice(0, third)),
    heapLastThirdFloorMiB: floor(over.slice(over.length - third)),
    peakBacklog: peak(run.samples.map((s) => (Number.isFinite(s.backlog) ? s.backlog : 0))),
    backlogMidOverload: first.at(-1)?.backlog ?? 0,
    backlogEndOverload: second.at(-1)?.backlog ?? 0,
    unhealthyAnswers: run.samples.filter((s) => s.healthz !== 200 && s.healthz !== 0).length,
    probeTimeouts: run.samples.filter((s) => s.healthz === 0).length,
    longestTimeoutRun,
    unreadySamples: run.samples.filter((s) => s.readyz !== 200).length,
  };
}

/**
 * The bar: no crash; /healthz never answers anything but 200 and never misses two probes in a
 * row (a liveness probe needing two failures would never fire); the backlog grows through the
 * overload while the heap's low points do not grow with it (FLOOR_GROWTH_LIMIT) and RSS stays
 * under RSS_LIMIT_MIB; p99 back near its level before once the backlog is gone.
 */
export function judgeOverload(run: OverloadRun): string[] {
  const f = overloadFigures(run);
  const out: string[] = [];
  if (run.crashes > 0) out.push(`${run.crashes} detector crashes`);
  if (f.unhealthyAnswers > 0)
    out.push(`/healthz answered other than 200 ${f.unhealthyAnswers} times`);
  if (f.longestTimeoutRun > 1) out.push(`/healthz missed ${f.longestTimeoutRun} probes in a row`);
  if (f.backlogEndOverload <= f.backlogMidOverload)
    out.push("the backlog did not grow during the overload: it was no overload");
  if (f.heapFirstThirdFloorMiB === 0 || f.heapLastThirdFloorMiB === 0)
    out.push("the detector's /metrics did not answer: no heap figures");
  else if (
    f.heapLastThirdFloorMiB >
    f.heapFirstThirdFloorMiB * (1 + FLOOR_GROWTH_LIMIT) + FLOOR_SLACK_MIB
  )
    out.push(
      `heap low point grew from ${f.heapFirstThirdFloorMiB.toFixed(0)} to ${f.heapLastThirdFloorMiB.toFixed(0)} MiB with the backlog`,
    );
  if (f.peakRssMiB > RSS_LIMIT_MIB)
    out.push(`RSS reached ${f.peakRssMiB.toFixed(0)} MiB, over ${RSS_LIMIT_MIB} MiB`);
  if (
    run.p99BeforeMs !== null &&
    run.p99AfterMs !== null &&
    run.p99AfterMs > 2 * run.p99BeforeMs + 50
  )
    out.push(
      `p99 did not recover: ${run.p99AfterMs.toFixed(0)} ms after vs ${run.p99BeforeMs.toFixed(0)} ms before`,
    );
  return out;
}

export function overloadMarkdown(run: OverloadRun): string {
  const f = overloadFigures(run);
  const ms = (v: number | null): string => (v === null ? "n/a" : `${v.toFixed(0)} ms`);
  return [
    "# Overload run",
    "",
    `${run.startedAt}, on ${run.machine}; one detector on a single-node stack.`,
    "",
    `- sustained rate (warm-up backlog): ${run.sustainedPerSecond.toFixed(0)} events/s; fed ${run.lowPerSecond}/s for 1 min, ` +
      `${run.highPerSecond}/s for ${run.overloadMinutes} min, then ${run.lowPerSecond}/s until the backlog was gone (${run.drainSeconds.toFixed(0)} s) and 1 min more`,
    `- detector RSS: ${f.rssBeforeMiB.toFixed(0)} MiB before; peak ${f.rssFirstHalfPeakMiB.toFixed(0)} MiB in the first ` +
      `half of the overload, ${f.rssSecondHalfPeakMiB.toFixed(0)} MiB in the second; ${f.peakRssMiB.toFixed(0)} MiB over the whole run`,
    `- V8 heap in use: low point ${f.heapFirstThirdFloorMiB.toFixed(0)} MiB in the first third of the overload, ` +
      `${f.heapLastThirdFloorMiB.toFixed(0)} MiB in the last; peak ${f.heapFirstHalfPeakMiB.toFixed(0)} MiB in the first half, ${f.heapSecondHalfPeakMiB.toFixed(0)} MiB in the second`,
    `- backlog: ${f.backlogMidOverload} half way, ${f.backlogEndOverload} at the end of the overload; peak ${f.peakBacklog} events`,
    `- /healthz: ${run.samples.length} probes, ${f.unhealthyAnswers} answered other than 200, ${f.probeTimeouts} got no answer within 2 s ` +
      `(longest run ${f.longestTimeoutRun}); /readyz not 200 in ${f.unreadySamples}`,
    `- p99 end to end: ${ms(run.p99BeforeMs)} before, ${ms(run.p99AfterMs)} in the minute after the backlog was gone`,
    `- crashes: ${run.crashes}`,
    `- result: ${run.failures.length === 0 ? "pass" : `FAIL: ${run.failures.join("; ")}`}`,
    "",
    "Samples every 2 s (RSS from /proc/<pid>/status, backlog = end offsets minus committed offsets):",
    "",
    "| t (s) | phase | RSS MiB | heap MiB | backlog | healthz | readyz |",
    "| --: | --- | --: | --: | --: | --: | --: |",
    ...run.samples
      .filter((_, i) => i % 15 === 0)
      .map(
        (s) =>
          `| ${s.tS.toFixed(0)} | ${s.phase} | ${s.rssMiB.toFixed(0)} | ${s.heapUsedMiB.toFixed(0)} | ${s.backlog} | ${s.healthz} | ${s.readyz} |`,
      ),
    "",
  ].join("\n");
}
