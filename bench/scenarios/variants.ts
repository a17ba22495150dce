/**
 * Scenario: the comparisons, each a row of the same figures from one procedure (warm-up, the
 * sustained-rate search, accuracy): the four distributions, the scorers, the distance bound, the
 * search's read shape. Default-row runs also measure
 * latency at half their sustained rate.
 */
import { checkCost, type CheckCostFigures } from "../lib/check-cost.js";
import { bucketDelta, integerBuckets, scrapeMetrics, total, type Scrape } from "../lib/scrape.js";
import type { RowRun, Variant } from "../lib/row.js";
import { openRow, type BenchContext } from "../lib/row.js";
import { measureAccuracy, type AccuracyFigures } from "./accuracy.js";
import { measureHalfRate, type HalfRateFigures } from "./latency-at-half-rate.js";
import { searchSustained, warmUp, type SustainedFigures } from "./sustained.js";

const DEFAULT: Variant = { name: "default", distribution: "mixed" };

/** Every compared variant; the first is the default configuration the targets are read from. */
export const VARIANTS: readonly Variant[] = [
  DEFAULT,
  { name: "distribution uniform", distribution: "uniform" },
  { name: "distribution clumped", distribution: "clumped" },
  { name: "distribution narrow", distribution: "narrow" },
  { name: "scorer robust", distribution: "mixed", settings: { scorer: "robust" } },
  { name: "no map lengths", distribution: "mixed", settings: { mapLengths: "none" } },
  { name: "scorer trend", distribution: "mixed", settings: { scorer: "trend" } },
  { name: "scorer zscore", distribution: "mixed", settings: { scorer: "zscore" } },
  { name: "scorer cusum", distribution: "mixed", settings: { scorer: "cusum" } },
  { name: "bound 5 km", distribution: "mixed", settings: { maxNeighbourDistanceM: "5000" } },
  { name: "bound 100 km", distribution: "mixed", settings: { maxNeighbourDistanceM: "100000" } },
  { name: "min neighbours 10", distribution: "mixed", settings: { minNeighbours: "10" } },
  { name: "min neighbours 30", distribution: "mixed", settings: { minNeighbours: "30" } },
  { name: "threshold 4.5", distribution: "mixed", settings: { threshold: "4.5" } },
  {
    name: "lengths 6-2 (no 8, 7)",
    distribution: "mixed",
    settings: { geohashLengths: "6,5,4,3,2" },
  },
  { name: "partition cost 5", distribution: "mixed", settings: { searchPartitionCost: "5" } },
  { name: "partition cost 40", distribution: "mixed", settings: { searchPartitionCost: "40" } },
  { name: "rows/partition 60", distribution: "mixed", settings: { rowsPerPartition: "60" } },
];

/** One row of results: the variant's settings and figures, or the error that stopped it. */
export interface RowResult {
  readonly variant: string;
  readonly distribution: string;
  readonly settings: Record<string, string | undefined>;
  readonly model: string;
  /** Whose detector ran: this checkout's, or the compared checkout's (`--compare`). */
  readonly detector: "this" | "compared";
  /** 1-based run of the default row (repeats and comparisons); undefined for other rows. */
  readonly repeat?: number;
  /** Ran under the CPU profiler: never read for targets. */
  readonly profiled: boolean;
  readonly error?: string;
  /** Sustained checks/s: the highest open-loop paced rate with flat lag (null: none was flat). */
  readonly checksPerSecond: number | null;
  /** Warm-up consumed before measuring, and the lag back to 0 after the last phase. */
  readonly drained: boolean;
  readonly sustained: SustainedFigures | null;
  /** Cost per check over the paced phases. */
  readonly cost: CheckCostFigures | null;
  readonly stopLengths: Record<string, number>;
  readonly outcomes: Record<string, number>;
  readonly windowCutShare: number | null;
  readonly accuracy: AccuracyFigures | null;
  readonly cpuSecondsPer1000Checks: number | null;
  readonly checks: number;
  readonly timeline: readonly { tS: number; checksPerSecond: number }[];
  readonly halfRate?: HalfRateFigures;
  /** Wall-clock seconds the row took, detector start to close. */
  readonly wallSeconds?: number;
}

/** How one row runs besides its variant. */
export interface RowPlan {
  readonly run?: RowRun;
  readonly halfRate: boolean;
  readonly repeat?: number;
}

function describe(
  v: Variant,
  plan: RowPlan,
): Pick<
  RowResult,
  "variant" | "distribution" | "settings" | "model" | "detector" | "repeat" | "profiled"
> {
  return {
    variant: v.name,
    distribution: v.distribution,
    settings: { ...v.settings },
    model: "table-per-length",
    detector: plan.run?.checkout === undefined ? "this" : "compared",
    ...(plan.repeat === undefined ? {} : { repeat: plan.repeat }),
    profiled: (plan.run?.nodeArgs ?? []).some((a) => a.startsWith("--cpu-prof")),
  };
}

function failedRow(v: Variant, plan: RowPlan, error: unknown): RowResult {
  return {
    ...describe(v, plan),
    error: error instanceof Error ? error.message : String(error),
    checksPerSecond: null,
    drained: false,
    sustained: null,
    cost: null,
    stopLengths: {},
    outcomes: {},
    windowCutShare: null,
    accuracy: null,
    cpuSecondsPer1000Checks: null,
    checks: 0,
    timeline: [],
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

/** Share of searches that stopped at each geohash length between two scrapes. */
function stopLengthShares(before: Scrape, after: Scrape): Record<string, number> {
  const name = "geoanomaly_search_stop_length";
  const stops = bucketDelta(integerBuckets(after, name), integerBuckets(before, name));
  const all = [...stops.values()].reduce((a, b) => a + b, 0);
  const out: Record<string, number> = {};
  for (const [len, n] of stops) if (n > 0) out[String(len)] = n / Math.max(1, all);
  return out;
}

/** Runs one row; a crashed detector becomes a row with the error. */
export async function runVariant(
  ctx: BenchContext,
  v: Variant,
  index: number,
  plan: RowPlan,
): Promise<RowResult> {
  const o = ctx.options;
  const started = performance.now();
  let env;
  try {
    env = await openRow(ctx, v, index, plan.run);
  } catch (err) {
    return failedRow(v, plan, err);
  }
  try {
    const warm = await warmUp(env, o);
    // Everything after this scrape is a labelled event: the detection's denominators.
    const before = await scrapeMetrics(env.detector.port);
    const cpu0 = await env.detector.cpuSeconds();
    const sustained = await searchSustained(env, o, warm);
    const cpu1 = await env.detector.cpuSeconds();
    const searched = await scrapeMetrics(env.detector.port);
    const cost = checkCost(before, searched);
    if (cost.checks === 0) {
      throw new Error(`no checks completed: ${env.detector.log.slice(-3).join(" | ")}`);
    }
    const half =
      plan.halfRate && sustained.checksPerSecond !== null
        ? await measureHalfRate(
            env,
            sustained.checksPerSecond / 2,
            o.halfRateSeconds,
            o.drainTimeoutSeconds,
          )
        : undefined;
    const finalDrained = await env.lag.drained(o.drainTimeoutSeconds * 1000);
    const after = await scrapeMetrics(env.detector.port);
    // Recall compares the same share of all checks whatever share the detector traced.
    const recallShare = Math.min(1, o.recallSampleShare / o.traceSampleRate);
    const accuracy = await measureAccuracy(ctx.client, env, before, after, recallShare);
    const cuts = "geoanomaly_search_window_cuts_total";
    return {
      ...describe(v, plan),
      checksPerSecond: sustained.checksPerSecond,
      drained: sustained.drained && finalDrained && (half?.drained ?? true),
      sustained,
      cost,
      stopLengths: stopLengthShares(before, searched),
      outcomes: labelShares(before, searched, "geoanomaly_search_outcomes_total", "outcome"),
      windowCutShare: (total(searched, cuts) - total(before, cuts)) / cost.checks,
      accuracy,
      cpuSecondsPer1000Checks: ((cpu1 - cpu0) * 1000) / cost.checks,
      checks: cost.checks,
      timeline: env.sampler.rates(),
      ...(half === undefined ? {} : { halfRate: half }),
      wallSeconds: Math.round((performance.now() - started) / 1000),
    };
  } catch (err) {
    return failedRow(v, plan, err);
  } finally {
    await env.close();
  }
}
