/**
 * Scenario: the comparisons, each a row of the same figures from one procedure (warm-up, max
 * rate, accuracy): the four distributions, the scorers, the distance bound, the search's read
 * shape, and the source article's other data models. The default row also measures latency at
 * half its sustained rate.
 */
import type { Variant } from "../lib/row.js";
import { openRow, type BenchContext } from "../lib/row.js";
import { scrapeMetrics, type LatencyJson } from "../lib/scrape.js";
import { measureAccuracy, type AccuracyFigures } from "./accuracy.js";
import { measureHalfRate, type HalfRateFigures } from "./latency-at-half-rate.js";
import {
  drain,
  measureThroughput,
  warmUp,
  type PerCheck,
  type ThroughputFigures,
} from "./throughput.js";

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
  readonly error?: string;
  readonly checksPerSecond: number | null;
  /** Latency while producing as fast as taken (bounded backlog): mostly queueing. */
  readonly latencyMs: LatencyJson | null;
  readonly cqlReadsPerCheck: PerCheck | null;
  readonly rowsReadPerCheck: PerCheck | null;
  readonly partitionsPerCheck: PerCheck | null;
  readonly writesPerCheck: number | null;
  readonly stopLengths: Record<string, number>;
  readonly outcomes: Record<string, number>;
  readonly windowCutShare: number | null;
  readonly accuracy: AccuracyFigures | null;
  readonly cpuSecondsPer1000Checks: number | null;
  readonly checks: number;
  readonly timeline: ThroughputFigures["timeline"];
  readonly halfRate?: HalfRateFigures;
}

function describe(v: Variant): Pick<RowResult, "variant" | "distribution" | "settings" | "model"> {
  return {
    variant: v.name,
    distribution: v.distribution,
    settings: { ...v.settings },
    model: "table-per-length",
  };
}

function failedRow(v: Variant, error: unknown): RowResult {
  return {
    ...describe(v),
    error: error instanceof Error ? error.message : String(error),
    checksPerSecond: null,
    latencyMs: null,
    cqlReadsPerCheck: null,
    rowsReadPerCheck: null,
    partitionsPerCheck: null,
    writesPerCheck: null,
    stopLengths: {},
    outcomes: {},
    windowCutShare: null,
    accuracy: null,
    cpuSecondsPer1000Checks: null,
    checks: 0,
    timeline: [],
  };
}

/** Runs one variant's row; a refused model or a crashed detector becomes a row with the error. */
export async function runVariant(
  ctx: BenchContext,
  v: Variant,
  index: number,
  halfRate: boolean,
  nodeArgs: readonly string[] = [],
): Promise<RowResult> {
  const o = ctx.options;
  let env;
  try {
    env = await openRow(ctx, v, index, nodeArgs);
  } catch (err) {
    return failedRow(v, err);
  }
  try {
    await warmUp(env, o.warmupEvents, Math.max(6, Math.min(30, o.loadSeconds)));
    // Everything after this scrape is a scored (labelled) event: the detection's denominators.
    const before = await scrapeMetrics(env.detector.port);
    const t = await measureThroughput(env, o.loadSeconds, o.backlog);
    if (t.checks === 0)
      throw new Error(`no checks completed: ${env.detector.log.slice(-3).join(" | ")}`);
    const half = halfRate
      ? await measureHalfRate(env, t.checksPerSecond / 2, o.halfRateSeconds)
      : undefined;
    await drain(env, env.log.events.length);
    const after = await scrapeMetrics(env.detector.port);
    const accuracy = await measureAccuracy(ctx.client, env, before, after);
    const writes = after.series.get("geoanomaly_store_writes_per_event") ?? null;
    return {
      ...describe(v),
      checksPerSecond: t.checksPerSecond,
      latencyMs: t.latencyAtMaxRateMs,
      cqlReadsPerCheck: t.cqlReadsPerCheck,
      rowsReadPerCheck: t.rowsReadPerCheck,
      partitionsPerCheck: t.partitionsPerCheck,
      writesPerCheck: writes,
      stopLengths: t.stopLengths,
      outcomes: t.outcomes,
      windowCutShare: t.windowCutShare,
      accuracy,
      cpuSecondsPer1000Checks: t.cpuSecondsPer1000Checks,
      checks: t.checks,
      timeline: t.timeline,
      ...(half === undefined ? {} : { halfRate: half }),
    };
  } catch (err) {
    return failedRow(v, err);
  } finally {
    await env.close();
  }
}
