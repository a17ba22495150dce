/**
 * Pure figures of the benchmark (no I/O), so the arithmetic behind every reported number is
 * unit-tested: quantiles, detection precision/recall/F1 and neighbour recall@k.
 */

/** Nearest-rank quantile (q in [0, 1]) of unsorted values; null when there are none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? null;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Quantile from integer-valued histogram counts (value -> count), e.g. CQL queries per check
 * read from a Prometheus histogram whose buckets are one per integer.
 */
export function countsQuantile(counts: ReadonlyMap<number, number>, q: number): number | null {
  const entries = [...counts.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, c]) => s + c, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [value, count] of entries) {
    seen += count;
    if (seen >= rank) return value;
  }
  return entries.at(-1)?.[0] ?? null;
}

/** Ground truth of one scored event: magnitude 0 means normal. */
export interface Truth {
  readonly id: string;
  readonly magnitude: number;
}

export interface MagnitudeFigures {
  readonly anomalies: number;
  readonly detected: number;
  readonly recall: number | null;
  readonly f1: number | null;
}

/** Precision overall; recall and F1 per magnitude and for magnitudes >= `strongFrom`. */
export interface DetectionFigures {
  readonly alerts: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  readonly strongFrom: number;
  readonly byMagnitude: Readonly<Record<string, MagnitudeFigures>>;
}

export function f1Score(precision: number | null, recall: number | null): number | null {
  if (precision === null || recall === null) return null;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** The bin of an anomaly size: its whole number of standard deviations (5.7σ is in bin 5). */
export function magnitudeBin(magnitude: number): number {
  return Math.floor(magnitude);
}

/**
 * Scores alerts (event ids) against the labelled events: an alert for an anomaly is a true
 * positive, for a normal event a false positive; alerts for unlabelled ids (warm-up) are ignored.
 * Recall and F1 of `recall`/`f1` cover anomalies of magnitude >= `strongFrom`; per magnitude they
 * are per whole-σ bin ({@link magnitudeBin}), F1 with the overall precision (a false alarm has no
 * magnitude).
 */
export function detectionFigures(
  truths: Iterable<Truth>,
  alertedIds: ReadonlySet<string>,
  strongFrom = 5,
): DetectionFigures {
  const per = new Map<number, { anomalies: number; detected: number }>();
  let strong = { anomalies: 0, detected: 0 };
  let tp = 0;
  let fp = 0;
  let alerts = 0;
  for (const t of truths) {
    const alerted = alertedIds.has(t.id);
    if (alerted) alerts++;
    if (t.magnitude === 0) {
      if (alerted) fp++;
      continue;
    }
    const bin = magnitudeBin(t.magnitude);
    const entry = per.get(bin) ?? { anomalies: 0, detected: 0 };
    entry.anomalies++;
    if (alerted) {
      entry.detected++;
      tp++;
    }
    per.set(bin, entry);
    if (t.magnitude >= strongFrom) {
      strong = {
        anomalies: strong.anomalies + 1,
        detected: strong.detected + (alerted ? 1 : 0),
      };
    }
  }
  const precision = ratio(tp, tp + fp);
  const byMagnitude: Record<string, MagnitudeFigures> = {};
  for (const [m, e] of [...per.entries()].sort((a, b) => a[0] - b[0])) {
    const recall = ratio(e.detected, e.anomalies);
    byMagnitude[String(m)] = { ...e, recall, f1: f1Score(precision, recall) };
  }
  const recall = ratio(strong.detected, strong.anomalies);
  return {
    alerts,
    truePositives: tp,
    falsePositives: fp,
    precision,
    recall,
    f1: f1Score(precision, recall),
    strongFrom,
    byMagnitude,
  };
}

/** recall@k = |found ∩ reference| / min(k, |reference|); null when the reference is empty. */
export function recallAtK(
  found: readonly string[],
  reference: readonly string[],
  k: number,
): number | null {
  const denominator = Math.min(k, reference.length);
  if (denominator === 0) return null;
  const ref = new Set(reference.slice(0, k));
  let hit = 0;
  for (const id of new Set(found)) if (ref.has(id)) hit++;
  return Math.min(1, hit / denominator);
}
