import hdr from "hdr-histogram-js";

/** Quantiles of one latency distribution in milliseconds; nulls while nothing was recorded. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
}

/**
 * End-to-end latency at full precision (HDR histogram, microseconds, 3 significant digits):
 * Prometheus buckets are too coarse for a p99 target, and benchmarks need to read and reset
 * one phase at a time.
 */
export class LatencyRecorder {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
    useWebAssembly: false,
  });

  /** Records one latency in seconds; non-finite values are ignored, negatives clamp to 0. */
  recordSeconds(seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    const micros = Math.round(Math.max(0, seconds) * 1_000_000);
    this.histogram.recordValue(Math.min(micros, 3_600_000_000));
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const count = h.totalCount;
    const at = (p: number): number | null =>
      count === 0 ? null : h.getValueAtPercentile(p) / 1000;
    return {
      count,
      p50: at(50),
      p90: at(90),
      p95: at(95),
      p99: at(99),
      p999: at(99.9),
      max: count === 0 ? null : h.maxValue / 1000,
    };
  }

  reset(): void {
    this.histogram.reset();
  }
}
