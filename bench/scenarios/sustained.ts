/**
 * Scenario: the highest sustained rate. A fixed warm-up (normal events, never scored) is fed as
 * fast as the detector takes it and must drain fully (group lag back to 0); its steady check rate
 * is only the first guess. Then open-loop PACED phases at chosen rates, each judged by the group's
 * consumer lag on Kafka: "sustained" is the highest rate whose lag stayed flat for the whole phase
 * (bench/lib/rate-search.ts chooses the rates, bench/lib/flat-lag.ts judges them). Between phases
 * the lag must come back to 0, so every phase starts from an empty queue.
 */
import { judgeFlatLag, type FlatLagVerdict } from "../lib/flat-lag.js";
import { produceAsTaken, producePaced } from "../lib/kafka.js";
import type { BenchOptions } from "../lib/options.js";
import { nextRate, sustainedRate, type RatePhase } from "../lib/rate-search.js";
import type { RowEnv } from "../lib/row.js";

/** One paced phase as measured. */
export interface PacedPhase extends RatePhase {
  readonly seconds: number;
  readonly sent: number;
  /** Most events due but held back by the producer's in-flight cap (0: the schedule was kept). */
  readonly producerBehind: number;
  /** Checks per second the detector's counter gained over the phase. */
  readonly checkedRate: number | null;
  readonly lag: FlatLagVerdict;
  /** The lag came back to 0 after the phase, within the drain timeout. */
  readonly drainedAfter: boolean;
  readonly drainSeconds: number;
}

export interface WarmUpFigures {
  readonly events: number;
  readonly seconds: number;
  /** Checks/s over the last 75% of the warm-up, fed as fast as taken: the search's first guess. */
  readonly drainRateEstimate: number | null;
  /** Every warm-up event consumed and committed before anything was measured. */
  readonly drained: boolean;
}

export interface SustainedFigures {
  readonly warmUp: WarmUpFigures;
  readonly phases: readonly PacedPhase[];
  /** Events/s of the highest flat phase; null when no phase was flat. */
  readonly checksPerSecond: number | null;
  /** Warm-up drained, and the lag back to 0 after the last phase. */
  readonly drained: boolean;
  /** Why the search stopped early (a phase that did not drain), if it did. */
  readonly stoppedBecause: string | null;
}

/** Steady rate: a counter's increase over the samples after the first `skip` share of a span. */
export function steadyRate(
  samples: readonly { tMs: number; checks: number }[],
  fromMs: number,
  toMs: number,
  skip = 0.25,
): number | null {
  const start = fromMs + (toMs - fromMs) * skip;
  const inside = samples.filter((s) => s.tMs >= start && s.tMs <= toMs + 50);
  const a = inside[0];
  const b = inside.at(-1);
  if (a === undefined || b === undefined || b.tMs <= a.tMs) return null;
  return ((b.checks - a.checks) * 1000) / (b.tMs - a.tMs);
}

/** Feeds the fixed warm-up as fast as taken (at most 1,000 unchecked), then waits for lag 0. */
export async function warmUp(env: RowEnv, o: BenchOptions): Promise<WarmUpFigures> {
  const checks0 = await env.sampler.sampleNow();
  const first = env.sampler.samples.length - 1;
  const t0 = performance.now();
  const sent = await produceAsTaken(env.producer, env.config.inputTopic, {
    label: `${env.variant.name}: warm-up`,
    next: () => env.source.warmup(),
    count: o.warmupEvents,
    maxBacklog: 1_000,
    checked: () => env.sampler.checks() - checks0,
  });
  const drained = await env.lag.drained(o.drainTimeoutSeconds * 1000);
  await env.sampler.sampleNow();
  const samples = env.sampler.samples.slice(first);
  const from = samples[0]?.tMs ?? 0;
  const to = samples.at(-1)?.tMs ?? from;
  return {
    events: sent,
    seconds: (performance.now() - t0) / 1000,
    drainRateEstimate: steadyRate(samples, from, to),
    drained,
  };
}

/** One open-loop phase at `rate` events/s for `seconds`, judged by the lag, then drained. */
async function pacedPhase(
  env: RowEnv,
  rate: number,
  o: BenchOptions,
  label: string,
): Promise<PacedPhase> {
  const checks0 = await env.sampler.sampleNow();
  const t0 = performance.now();
  env.lag.start(500);
  const fed = await producePaced(env.producer, env.config.inputTopic, {
    label,
    next: () => env.source.next(),
    rate,
    durationMs: o.phaseSeconds * 1000,
  });
  const sent = fed.acknowledged;
  const t1 = performance.now();
  await env.lag.stop();
  await env.lag.now().catch(() => undefined);
  const checks1 = await env.sampler.sampleNow();
  const seconds = (t1 - t0) / 1000;
  const achievedRate = sent / seconds;
  // Judged at the rate really produced: a producer that fell short is not the detector's credit.
  const lag = judgeFlatLag(env.lag.samples, Math.max(1, achievedRate), t0, t1 + 50, o.flatLag);
  const d0 = performance.now();
  const drainedAfter = await env.lag.drained(o.drainTimeoutSeconds * 1000);
  return {
    targetRate: rate,
    achievedRate,
    flat: lag.flat,
    seconds,
    sent,
    producerBehind: fed.maxBehind,
    checkedRate: seconds > 0 ? (checks1 - checks0) / seconds : null,
    lag,
    drainedAfter,
    drainSeconds: (performance.now() - d0) / 1000,
  };
}

/**
 * Searches the sustained rate from the warm-up's estimate (see the module comment). The caller
 * has run {@link warmUp}; a phase that does not drain ends the search (its figures are kept).
 */
export async function searchSustained(
  env: RowEnv,
  o: BenchOptions,
  warm: WarmUpFigures,
): Promise<SustainedFigures> {
  const phases: PacedPhase[] = [];
  const estimate = Math.max(o.rateSearch.minRate, warm.drainRateEstimate ?? 0);
  let stoppedBecause: string | null = null;
  for (
    let rate = nextRate(estimate, phases, o.rateSearch);
    rate !== null;
    rate = nextRate(estimate, phases, o.rateSearch)
  ) {
    const label = `${env.variant.name}: paced ${phases.length + 1} @${rate}/s`;
    const phase = await pacedPhase(env, rate, o, label);
    phases.push(phase);
    process.stdout.write(
      `  ${label}: sent ${phase.achievedRate.toFixed(0)}/s, ${phase.flat ? "flat" : `not flat (${phase.lag.reason ?? ""})`}, drained in ${phase.drainSeconds.toFixed(1)} s\n`,
    );
    if (!phase.drainedAfter) {
      stoppedBecause = `the lag did not come back to 0 within ${o.drainTimeoutSeconds} s after ${rate}/s`;
      break;
    }
  }
  const last = phases.at(-1);
  return {
    warmUp: warm,
    phases,
    checksPerSecond: sustainedRate(phases),
    drained: warm.drained && (last?.drainedAfter ?? true),
    stoppedBecause,
  };
}
