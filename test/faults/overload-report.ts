/** Figures of an overload run, its bar and its markdown report. Pure. */

export interface OverloadSample {
  readonly tS: number;
  readonly phase: "before" | "overload" | "recovery" | "after";
  readonly rssMiB: number;
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

/** RSS may grow this much in the second half of the overload while the backlog keeps growing. */
export const RSS_GROWTH_LIMIT = 0.15;

export interface OverloadFigures {
  readonly rssBeforeMiB: number;
  readonly peakRssMiB: number;
  readonly rssMidOverloadMiB: number;
  readonly rssEndOverloadMiB: number;
  readonly peakBacklog: number;
  readonly backlogMidOverload: number;
  readonly backlogEndOverload: number;
  readonly unhealthySamples: number;
  readonly unreadySamples: number;
}

export function overloadFigures(run: OverloadRun): OverloadFigures {
  const of = (phase: OverloadSample["phase"]): readonly OverloadSample[] =>
    run.samples.filter((s) => s.phase === phase);
  const over = of("overload");
  const mid = over[Math.floor(over.length / 2)];
  const end = over.at(-1);
  return {
    rssBeforeMiB: Math.max(0, ...of("before").map((s) => s.rssMiB)),
    peakRssMiB: Math.max(0, ...run.samples.map((s) => s.rssMiB)),
    rssMidOverloadMiB: mid?.rssMiB ?? 0,
    rssEndOverloadMiB: end?.rssMiB ?? 0,
    peakBacklog: Math.max(
      0,
      ...run.samples.map((s) => (Number.isFinite(s.backlog) ? s.backlog : 0)),
    ),
    backlogMidOverload: mid?.backlog ?? 0,
    backlogEndOverload: end?.backlog ?? 0,
    unhealthySamples: run.samples.filter((s) => s.healthz !== 200).length,
    unreadySamples: run.samples.filter((s) => s.readyz !== 200).length,
  };
}

/** The bar: alive and healthy throughout, memory flat while the backlog grows, p99 back after. */
export function judgeOverload(run: OverloadRun): string[] {
  const f = overloadFigures(run);
  const out: string[] = [];
  if (run.crashes > 0) out.push(`${run.crashes} detector crashes`);
  if (f.unhealthySamples > 0) out.push(`/healthz not 200 in ${f.unhealthySamples} samples`);
  if (f.backlogEndOverload <= f.backlogMidOverload)
    out.push("the backlog did not grow during the overload: it was no overload");
  if (f.rssEndOverloadMiB > f.rssMidOverloadMiB * (1 + RSS_GROWTH_LIMIT))
    out.push(
      `RSS grew from ${f.rssMidOverloadMiB.toFixed(0)} to ${f.rssEndOverloadMiB.toFixed(0)} MiB in the second half of the overload`,
    );
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
    `- detector RSS: ${f.rssBeforeMiB.toFixed(0)} MiB before, ${f.rssMidOverloadMiB.toFixed(0)} MiB half way, ` +
      `${f.rssEndOverloadMiB.toFixed(0)} MiB at the end of the overload; peak ${f.peakRssMiB.toFixed(0)} MiB`,
    `- backlog: ${f.backlogMidOverload} half way, ${f.backlogEndOverload} at the end of the overload; peak ${f.peakBacklog} events`,
    `- /healthz not 200 in ${f.unhealthySamples} of ${run.samples.length} samples; /readyz not 200 in ${f.unreadySamples}`,
    `- p99 end to end: ${ms(run.p99BeforeMs)} before, ${ms(run.p99AfterMs)} in the minute after the backlog was gone`,
    `- crashes: ${run.crashes}`,
    `- result: ${run.failures.length === 0 ? "pass" : `FAIL: ${run.failures.join("; ")}`}`,
    "",
    "Samples every 2 s (RSS from /proc/<pid>/status, backlog = end offsets minus committed offsets):",
    "",
    "| t (s) | phase | RSS MiB | backlog | healthz | readyz |",
    "| --: | --- | --: | --: | --: | --: |",
    ...run.samples
      .filter((_, i) => i % 15 === 0)
      .map(
        (s) =>
          `| ${s.tS.toFixed(0)} | ${s.phase} | ${s.rssMiB.toFixed(0)} | ${s.backlog} | ${s.healthz} | ${s.readyz} |`,
      ),
    "",
  ].join("\n");
}
