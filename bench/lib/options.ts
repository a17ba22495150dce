/** The knobs of one benchmark run; `--quick` and the full run differ only in these numbers. */
export interface BenchOptions {
  readonly quick: boolean;
  readonly out: string;
  readonly seed: number;
  /** Normal events per row before measuring (excluded from scoring), so places have neighbours. */
  readonly warmupEvents: number;
  /** Seconds of as-fast-as-taken load per row. */
  readonly loadSeconds: number;
  /** Seconds at half the sustained rate (default row only) for the latency target. */
  readonly halfRateSeconds: number;
  /** Share of checks the detector traces (GET /trace) for the neighbour-recall comparison. */
  readonly traceSampleRate: number;
  readonly anomalyFraction: number;
  readonly magnitudes: readonly number[];
  /** Most events produced but not yet checked, when producing as fast as the pipeline takes. */
  readonly backlog: number;
  readonly partitions: number;
  /** Variant names to run (default: all). */
  readonly rows: readonly string[] | undefined;
  /** Runs the default row's detector under `node --cpu-prof` (profile in the out directory). */
  readonly profile: boolean;
}

/** Defaults of a quick (under 5 minutes here) and a full (under 30 minutes here) run. */
export function presetOptions(quick: boolean): Omit<BenchOptions, "out" | "rows" | "profile"> {
  return quick
    ? {
        quick,
        seed: 42,
        warmupEvents: 1_000,
        loadSeconds: 6,
        halfRateSeconds: 8,
        traceSampleRate: 0.05,
        anomalyFraction: 0.03,
        magnitudes: [3, 5, 8],
        backlog: 1_000,
        partitions: 6,
      }
    : {
        quick,
        seed: 42,
        warmupEvents: 8_000,
        loadSeconds: 25,
        halfRateSeconds: 30,
        traceSampleRate: 0.05,
        anomalyFraction: 0.03,
        magnitudes: [3, 5, 8],
        backlog: 3_000,
        partitions: 6,
      };
}
