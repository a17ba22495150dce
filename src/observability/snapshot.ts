import { Counter, Histogram } from "prom-client";
import type { Registry } from "prom-client";

/** Count, sum and mean of one histogram series; `mean` is null while nothing was observed. */
export interface HistogramFigures {
  readonly count: number;
  readonly sum: number;
  readonly mean: number | null;
}

/**
 * Current figures keyed by series: the bare metric name holds the total over all label sets,
 * `name{label="value"}` each labelled series. Plain JSON, so benchmarks can store it as is.
 */
export interface MetricsSnapshot {
  readonly counters: Record<string, number>;
  readonly histograms: Record<string, HistogramFigures>;
}

type Labels = Partial<Record<string, string | number>>;

/** Prometheus-style series key with sorted labels, so keys are stable across runs. */
function seriesKey(name: string, labels: Labels, omit?: string): string {
  const parts = Object.keys(labels)
    .filter((k) => k !== omit && labels[k] !== undefined)
    .sort()
    .map((k) => `${k}="${String(labels[k])}"`);
  return parts.length === 0 ? name : `${name}{${parts.join(",")}}`;
}

function figures(count: number, sum: number): HistogramFigures {
  return { count, sum, mean: count === 0 ? null : sum / count };
}

type HistogramData = Awaited<ReturnType<Histogram["get"]>>;

function histogramFigures(data: HistogramData, out: Record<string, HistogramFigures>): void {
  const { name, values } = data;
  const series = new Map<string, { count: number; sum: number }>();
  let count = 0;
  let sum = 0;
  for (const v of values) {
    const isCount = v.metricName === `${name}_count`;
    if (!isCount && v.metricName !== `${name}_sum`) continue;
    const key = seriesKey(name, v.labels);
    const entry = series.get(key) ?? { count: 0, sum: 0 };
    if (isCount) {
      entry.count += v.value;
      count += v.value;
    } else {
      entry.sum += v.value;
      sum += v.value;
    }
    series.set(key, entry);
  }
  out[name] = figures(count, sum);
  for (const [key, entry] of series) {
    if (key !== name) out[key] = figures(entry.count, entry.sum);
  }
}

/** Reads every counter and histogram of `registry` without scraping and parsing the text format. */
export async function metricsSnapshot(registry: Registry): Promise<MetricsSnapshot> {
  const counters: Record<string, number> = {};
  const histograms: Record<string, HistogramFigures> = {};
  for (const metric of registry.getMetricsAsArray() as unknown[]) {
    if (metric instanceof Counter) {
      const { name, values } = await metric.get();
      let total = 0;
      for (const v of values) {
        total += v.value;
        const key = seriesKey(name, v.labels);
        if (key !== name) counters[key] = (counters[key] ?? 0) + v.value;
      }
      counters[name] = total;
    } else if (metric instanceof Histogram) {
      histogramFigures(await (metric as Histogram).get(), histograms);
    }
  }
  return { counters, histograms };
}

/**
 * Estimates quantile `q` (0..1) of histogram `name` from its cumulative buckets, summed over all
 * label sets, interpolating linearly inside the bucket (as PromQL's histogram_quantile does).
 * Undefined while the histogram is empty; the highest finite bound if the rank falls in +Inf.
 */
export async function histogramQuantile(
  registry: Registry,
  name: string,
  q: number,
): Promise<number | undefined> {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
  const metric = registry.getSingleMetric(name) as unknown;
  if (!(metric instanceof Histogram)) throw new Error(`no histogram named ${name} in registry`);
  const { values } = await (metric as Histogram).get();
  const cumulative = new Map<number, number>();
  for (const v of values) {
    if (v.metricName !== `${name}_bucket`) continue;
    const le = v.labels.le === "+Inf" ? Infinity : Number(v.labels.le);
    cumulative.set(le, (cumulative.get(le) ?? 0) + v.value);
  }
  const buckets = [...cumulative.entries()].sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lower: number | undefined;
  let below = 0;
  for (const [upper, cum] of buckets) {
    if (cum > 0 && cum >= rank) {
      if (upper === Infinity) return lower ?? 0;
      // The lowest bucket starts at 0 (or at its own bound if that is not positive).
      const start = lower ?? Math.min(0, upper);
      return start + (upper - start) * ((rank - below) / (cum - below));
    }
    lower = upper;
    below = cum;
  }
  return lower;
}
