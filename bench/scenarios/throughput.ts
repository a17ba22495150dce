/**
 * Scenario: the highest sustained rate. Warm up (normal events, not scored), then produce as
 * fast as the pipeline takes with a bounded backlog, and read what the detector did meanwhile:
 * checks/s in steady state, CQL statements per check, where searches stopped, CPU per 1,000.
 */
import { countsQuantile } from "../lib/stats.js";
import { feed } from "../lib/kafka.js";
import type { RowEnv } from "../lib/row.js";
import {
  bucketDelta,
  integerBuckets,
  scrapeLatency,
  scrapeMetrics,
  total,
  type LatencyJson,
  type Scrape,
} from "../lib/scrape.js";

/** Waits until the detector has checked `produced` events (or gives up after `timeoutMs`). */
export async function drain(env: RowEnv, produced: number, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((await env.sampler.sampleNow()) < produced) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

/** Produces the warm-up events as fast as taken (for at most `maxSeconds`), waits for their checks. */
export async function warmUp(env: RowEnv, events: number, maxSeconds: number): Promise<void> {
  await feed(env.producer, env.config.inputTopic, {
    label: `${env.variant.name}: warm-up`,
    next: () => env.source.warmup(),
    count: events,
    durationMs: maxSeconds * 1000,
    maxBacklog: 1_000,
    checked: () => env.sampler.checks(),
  });
  await drain(env, env.log.events.length);
}

/** Mean and quantiles of a per-check histogram (quantiles are bucket upper bounds). */
export interface PerCheck {
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
}

export interface ThroughputFigures {
  readonly checksPerSecond: number;
  readonly checks: number;
  readonly seconds: number;
  readonly latencyAtMaxRateMs: LatencyJson;
  /** CQL read statements per check. */
  readonly cqlReadsPerCheck: PerCheck;
  readonly rowsReadPerCheck: PerCheck;
  readonly partitionsPerCheck: PerCheck;
  /** Share of searches by how they ended (complete, bounded, budget). */
  readonly outcomes: Record<string, number>;
  /** Share of searches whose window a partition's row limit shortened. */
  readonly windowCutShare: number | null;
  /** Share of searches that stopped at each geohash length. */
  readonly stopLengths: Record<string, number>;
  readonly cpuSecondsPer1000Checks: number | null;
  readonly timeline: { tS: number; checksPerSecond: number }[];
  readonly drained: boolean;
}

function histogramFigures(before: Scrape, after: Scrape, name: string): Map<number, number> {
  return bucketDelta(integerBuckets(after, name), integerBuckets(before, name));
}

/** What a per-check histogram gained between two scrapes: mean and bucket-bound quantiles. */
export function perCheck(before: Scrape, after: Scrape, name: string): PerCheck {
  const buckets = histogramFigures(before, after, name);
  const count = [...buckets.values()].reduce((a, b) => a + b, 0);
  const sum = total(after, `${name}_sum`) - total(before, `${name}_sum`);
  return {
    mean: count === 0 ? null : sum / count,
    p50: countsQuantile(buckets, 0.5),
    p99: countsQuantile(buckets, 0.99),
  };
}

/** Shares of a labelled counter's increase, by label value. */
function labelShares(
  before: Scrape,
  after: Scrape,
  name: string,
  label: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  let sum = 0;
  for (const [key, value] of after.series) {
    const m = new RegExp(`^${name}\\{${label}="([^"]+)"\\}$`).exec(key);
    if (m?.[1] === undefined) continue;
    const d = value - (before.series.get(key) ?? 0);
    out[m[1]] = d;
    sum += d;
  }
  for (const k of Object.keys(out)) out[k] = sum === 0 ? 0 : (out[k] ?? 0) / sum;
  return out;
}

/** Steady-state rate: counter increase over the samples after the first `skip` share of the phase. */
export function steadyRate(
  samples: readonly { tMs: number; checks: number }[],
  fromMs: number,
  toMs: number,
  skip = 0.25,
): number {
  const start = fromMs + (toMs - fromMs) * skip;
  const inside = samples.filter((s) => s.tMs >= start && s.tMs <= toMs + 50);
  const a = inside[0];
  const b = inside.at(-1);
  if (a === undefined || b === undefined || b.tMs <= a.tMs) return 0;
  return ((b.checks - a.checks) * 1000) / (b.tMs - a.tMs);
}

/** Runs the as-fast-as-taken phase for `seconds` and returns its figures. */
export async function measureThroughput(
  env: RowEnv,
  seconds: number,
  backlog: number,
): Promise<ThroughputFigures> {
  const port = env.detector.port;
  await scrapeLatency(port, true);
  const before = await scrapeMetrics(port);
  const cpu0 = await env.detector.cpuSeconds();
  const firstSample = env.sampler.samples.length;
  const t0 = env.sampler.samples.at(-1)?.tMs ?? 0;
  await feed(env.producer, env.config.inputTopic, {
    label: `${env.variant.name}: max rate`,
    next: () => env.source.next(),
    durationMs: seconds * 1000,
    // About 2 s of the current rate (at most `backlog`), so slow variants drain quickly too.
    maxBacklog: () => {
      const rate = env.sampler.rates().at(-1)?.checksPerSecond ?? 0;
      return Math.min(backlog, Math.max(200, 2 * rate));
    },
    checked: () => env.sampler.checks(),
  });
  await env.sampler.sampleNow();
  const samples = env.sampler.samples.slice(firstSample);
  const t1 = samples.at(-1)?.tMs ?? t0;
  const drained = await drain(env, env.log.events.length);
  const cpu1 = await env.detector.cpuSeconds();
  const after = await scrapeMetrics(port);
  const latency = await scrapeLatency(port, true);
  const checks = total(after, "geoanomaly_checks_total") - total(before, "geoanomaly_checks_total");
  const stops = histogramFigures(before, after, "geoanomaly_search_stop_length");
  const stopTotal = [...stops.values()].reduce((a, b) => a + b, 0);
  const stopLengths: Record<string, number> = {};
  for (const [len, n] of stops) if (n > 0) stopLengths[String(len)] = n / Math.max(1, stopTotal);
  return {
    checksPerSecond: steadyRate(samples, t0, t1),
    checks,
    seconds,
    latencyAtMaxRateMs: latency,
    cqlReadsPerCheck: perCheck(before, after, "geoanomaly_cql_queries_per_check"),
    rowsReadPerCheck: perCheck(before, after, "geoanomaly_search_rows_per_check"),
    partitionsPerCheck: perCheck(before, after, "geoanomaly_search_partitions_per_check"),
    outcomes: labelShares(before, after, "geoanomaly_search_outcomes_total", "outcome"),
    windowCutShare:
      checks === 0
        ? null
        : (total(after, "geoanomaly_search_window_cuts_total") -
            total(before, "geoanomaly_search_window_cuts_total")) /
          checks,
    stopLengths,
    cpuSecondsPer1000Checks: checks > 0 ? ((cpu1 - cpu0) * 1000) / checks : null,
    timeline: env.sampler.rates().filter((r) => r.tS * 1000 >= t0 - 1000),
    drained,
  };
}
