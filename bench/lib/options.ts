/** The knobs of one benchmark run; `--quick` and the full run differ only in these numbers. */
import { DEFAULT_FLAT_LAG_RULE, type FlatLagRule } from "./flat-lag.js";
import type { RateSearchRule } from "./rate-search.js";

/** The seed the product's defaults were tuned on: never the one figures are reported on. */
export const TUNING_SEED = 42;
/** The held-out seed reported figures use unless `--seed` says otherwise. */
export const HELD_OUT_SEED = 20_261_203;

export interface BenchOptions {
  readonly quick: boolean;
  readonly out: string;
  readonly seed: number;
  /** Normal events per row before measuring (never scored), so places have neighbours. */
  readonly warmupEvents: number;
  /** Seconds of one paced phase of the sustained-rate search. */
  readonly phaseSeconds: number;
  readonly rateSearch: RateSearchRule;
  readonly flatLag: FlatLagRule;
  /** Longest wait for the group's lag to come back to 0 (after the warm-up, after a phase). */
  readonly drainTimeoutSeconds: number;
  /** Seconds at half the sustained rate (default row only) for the latency target. */
  readonly halfRateSeconds: number;
  /**
   * Share of checks the detector traces (GET /trace): 1, so the verdict of every injected anomaly
   * it did not alert on can be read back.
   */
  readonly traceSampleRate: number;
  /** Share of all checks (chosen by event id among the traced) recall compares with brute force. */
  readonly recallSampleShare: number;
  readonly anomalyFraction: number;
  /** Anomaly sizes, drawn uniformly from [min, max] local standard deviations. */
  readonly magnitudeRange: readonly [number, number];
  readonly partitions: number;
  /** Runs of the default row in one run (min / median / max reported). */
  readonly repeats: number;
  /** Variant names to run besides the default row; undefined: the preset's list. */
  readonly rows: readonly string[] | undefined;
  /** Adds a profiled run of the default row (`node --cpu-prof`), never read for targets. */
  readonly profile: boolean;
  /** Another built checkout whose `bin/geoanomaly.js detect` runs the default row beside this one. */
  readonly compare: string | undefined;
}

/** The variant rows a preset runs besides the default row when `--rows` is not given. */
export const QUICK_ROWS = [
  "distribution uniform",
  "distribution clumped",
  "distribution narrow",
] as const;

/** Defaults of a quick (under 10 minutes here) and a full (about 40 minutes here) run. */
export function presetOptions(
  quick: boolean,
): Omit<BenchOptions, "out" | "rows" | "profile" | "compare"> {
  const common = {
    quick,
    seed: HELD_OUT_SEED,
    drainTimeoutSeconds: 90,
    traceSampleRate: 1,
    recallSampleShare: 0.05,
    anomalyFraction: 0.03,
    magnitudeRange: [3, 10] as const,
    partitions: 6,
    repeats: 3,
  };
  return quick
    ? {
        ...common,
        warmupEvents: 1_500,
        phaseSeconds: 8,
        rateSearch: { startShare: 0.9, step: 0.2, resolution: 0.1, maxPhases: 4, minRate: 10 },
        flatLag: {
          settleShare: 0.25,
          slopeShare: 0.05,
          minGrowth: 50,
          finalLagSeconds: 2,
          minFinalLag: 200,
          finalShare: 0.15,
        },
        halfRateSeconds: 8,
      }
    : {
        ...common,
        warmupEvents: 6_000,
        phaseSeconds: 20,
        rateSearch: { startShare: 0.9, step: 0.2, resolution: 0.05, maxPhases: 6, minRate: 10 },
        flatLag: DEFAULT_FLAT_LAG_RULE,
        halfRateSeconds: 30,
      };
}
