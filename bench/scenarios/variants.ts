/**
 * Scenario: the comparisons, each a row of the same figures from one procedure (warm-up, max
 * rate, accuracy): distributions, search mode cell vs ring, the scorers, and the data models.
 * The default row also measures latency at half its sustained rate.
 */
import type { DetectionFigures } from "../lib/stats.js";
import { openRow, type BenchContext, type Variant } from "../lib/row.js";
import type { LatencyJson } from "../lib/scrape.js";
import { measureDetection, measureRecall, type RecallFigures } from "./accuracy.js";
import { measureHalfRate, type HalfRateFigures } from "./latency-at-half-rate.js";
import { measureThroughput, warmUp, type ThroughputFigures } from "./throughput.js";

const DEFAULT: Variant = {
  name: "default",
  dataModel: "table-per-length",
  searchMode: "ring",
  searchStart: "adaptive",
  rowsPerPartition: 0,
  scorer: "robust",
  distribution: "mixed",
};

/** Every compared variant; the first is the default configuration the targets are read from. */
export const VARIANTS: readonly Variant[] = [
  DEFAULT,
  { ...DEFAULT, name: "distribution uniform", distribution: "uniform" },
  { ...DEFAULT, name: "distribution clumped", distribution: "clumped" },
  { ...DEFAULT, name: "distribution narrow", distribution: "narrow" },
  { ...DEFAULT, name: "mode cell", searchMode: "cell" },
  { ...DEFAULT, name: "start longest", searchStart: "longest" },
  { ...DEFAULT, name: "rows/partition 4k", rowsPerPartition: 200 },
  { ...DEFAULT, name: "scorer zscore", scorer: "zscore" },
  { ...DEFAULT, name: "scorer cusum", scorer: "cusum" },
  { ...DEFAULT, name: "scorer trend", scorer: "trend" },
  { ...DEFAULT, name: "model clustering-columns", dataModel: "clustering-columns" },
  { ...DEFAULT, name: "model prefix-range", dataModel: "prefix-range" },
  { ...DEFAULT, name: "model secondary-index", dataModel: "secondary-index" },
];

/** One row of results: the variant's settings and figures, or the error that stopped it. */
export interface RowResult {
  readonly variant: string;
  readonly settings: Omit<Variant, "name">;
  readonly error?: string;
  readonly checksPerSecond: number | null;
  /** Latency while producing as fast as taken (bounded backlog): mostly queueing. */
  readonly latencyMs: LatencyJson | null;
  readonly cqlReadsPerCheck: ThroughputFigures["cqlReadsPerCheck"] | null;
  readonly cqlWritesPerCheck: number;
  readonly stopLengths: Record<string, number>;
  readonly neighbourRecall: number | null;
  readonly neighbourRecallDetail: RecallFigures | null;
  readonly detection: DetectionFigures | null;
  readonly cpuSecondsPer1000Checks: number | null;
  readonly checks: number;
  readonly timeline: ThroughputFigures["timeline"];
  readonly halfRate?: HalfRateFigures;
}

function failedRow(v: Variant, error: unknown): RowResult {
  const { name, ...settings } = v;
  return {
    variant: name,
    settings,
    error: error instanceof Error ? error.message : String(error),
    checksPerSecond: null,
    latencyMs: null,
    cqlReadsPerCheck: null,
    cqlWritesPerCheck: 0,
    stopLengths: {},
    neighbourRecall: null,
    neighbourRecallDetail: null,
    detection: null,
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
    const t = await measureThroughput(env, o.loadSeconds, o.backlog);
    if (t.checks === 0)
      throw new Error(`no checks completed: ${env.detector.log.slice(-3).join(" | ")}`);
    const half = halfRate
      ? await measureHalfRate(env, t.checksPerSecond / 2, o.halfRateSeconds)
      : undefined;
    const detection = await measureDetection(env);
    const recall = await measureRecall(env, o.recallSample);
    const { name, ...settings } = v;
    return {
      variant: name,
      settings,
      checksPerSecond: t.checksPerSecond,
      latencyMs: t.latencyAtMaxRateMs,
      cqlReadsPerCheck: t.cqlReadsPerCheck,
      cqlWritesPerCheck: env.model.store.writesPerEvent,
      stopLengths: t.stopLengths,
      neighbourRecall: recall.mean,
      neighbourRecallDetail: recall,
      detection,
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
