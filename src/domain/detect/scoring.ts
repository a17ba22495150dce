/**
 * Scorers: how unusual a value is compared with its neighbours, as a signed score in spread units
 * plus a verdict. Pure functions of their input so they can be compared on the same data.
 */

/** The available scorers; `robust` is the default. */
export const SCORER_NAMES = ["robust", "zscore", "cusum", "trend", "local"] as const;
export type ScorerName = (typeof SCORER_NAMES)[number];

export interface ScoreInput {
  readonly value: number;
  /** Oldest first; only cusum depends on the order. */
  readonly neighbourValues: readonly number[];
  /** Where each neighbour is, in km east and north of the event (same order); used by `trend`. */
  readonly neighbourOffsetsKm?: readonly (readonly [number, number])[];
  readonly threshold: number;
}

/**
 * Why a check was not scored: nothing stored within the distance bound and window
 * (`no_history`), some but fewer than the minimum (`sparse`), or the search stopped at its read
 * budget before it had the minimum (`search_budget`).
 */
export const INSUFFICIENT_REASONS = ["no_history", "sparse", "search_budget"] as const;
export type InsufficientReason = (typeof INSUFFICIENT_REASONS)[number];

export type Verdict =
  | {
      kind: "insufficient";
      reason: InsufficientReason;
      scorer: ScorerName;
      neighbourCount: number;
      threshold: number;
    }
  | {
      kind: "scored";
      scorer: ScorerName;
      score: number;
      threshold: number;
      expected: number;
      spread: number;
      anomalous: boolean;
      neighbourCount: number;
    };

export type Scorer = (input: ScoreInput) => Verdict;

/** Makes MAD a consistent estimator of the standard deviation for normal data. */
export const MAD_TO_SIGMA = 1.4826;
/** Makes the mean absolute deviation a consistent estimator of sigma for normal data (sqrt(pi/2)). */
export const MEAN_ABS_DEV_TO_SIGMA = 1.2533;
/**
 * Last-resort spread when all neighbours are identical: 1e-9 of |centre| (at least 1e-9), so any
 * real departure from a constant neighbourhood scores huge, float noise does not, and the score
 * stays finite for JSON.
 */
export const SPREAD_FLOOR_RELATIVE = 1e-9;
/** CUSUM allowance (slack) per observation, in sigmas, as in the reference system. */
export const CUSUM_DRIFT_SIGMAS = 0.05;

/** The alert decision: a score beyond the threshold in either direction. */
export function isAnomalous(score: number, threshold: number): boolean {
  return Math.abs(score) > threshold;
}

function finite(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, x));
}

/** The middle value (mean of the two middle ones for an even count); the scorers' centre. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/** The arithmetic mean. */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function meanAbsDev(values: readonly number[], centre: number): number {
  return mean(values.map((v) => Math.abs(v - centre)));
}

/** Population standard deviation: the variance is divided by n (the reference system forgot to). */
function populationStd(values: readonly number[], centre: number): number {
  return Math.sqrt(mean(values.map((v) => (v - centre) ** 2)));
}

/** First positive spread among the estimator, the mean-absolute-deviation fallback, the floor. */
export function usableSpread(primary: number, values: readonly number[], centre: number): number {
  if (primary > 0 && Number.isFinite(primary)) return primary;
  const fallback = MEAN_ABS_DEV_TO_SIGMA * meanAbsDev(values, centre);
  if (fallback > 0 && Number.isFinite(fallback)) return fallback;
  return SPREAD_FLOOR_RELATIVE * Math.max(1, Math.abs(centre));
}

/** A scored verdict with its parts made finite, anomalous when beyond the threshold. */
export function verdict(
  scorer: ScorerName,
  input: ScoreInput,
  score: number,
  expected: number,
  spread: number,
): Verdict {
  const s = finite(score);
  return {
    kind: "scored",
    scorer,
    score: s,
    threshold: input.threshold,
    expected: finite(expected),
    spread: finite(spread),
    anomalous: isAnomalous(s, input.threshold),
    neighbourCount: input.neighbourValues.length,
  };
}

/** Scorers need one neighbour at least; callers decide the minimum before scoring (see verdict.ts). */
export function insufficient(scorer: ScorerName, input: ScoreInput): Verdict | undefined {
  if (input.neighbourValues.length > 0) return undefined;
  return {
    kind: "insufficient",
    reason: "no_history",
    scorer,
    neighbourCount: 0,
    threshold: input.threshold,
  };
}

/** Median and MAD: a few wild neighbours cannot hide an anomaly or fake one. */
export function robustScore(input: ScoreInput): Verdict {
  const none = insufficient("robust", input);
  if (none !== undefined) return none;
  const xs = input.neighbourValues;
  const med = median(xs);
  const mad = median(xs.map((v) => Math.abs(v - med)));
  const spread = usableSpread(MAD_TO_SIGMA * mad, xs, med);
  return verdict("robust", input, (input.value - med) / spread, med, spread);
}

/** Classic z-score against the neighbours' mean and population standard deviation. */
export function zScore(input: ScoreInput): Verdict {
  const none = insufficient("zscore", input);
  if (none !== undefined) return none;
  const xs = input.neighbourValues;
  const mu = mean(xs);
  const spread = usableSpread(populationStd(xs, mu), xs, mu);
  return verdict("zscore", input, (input.value - mu) / spread, mu, spread);
}

/**
 * Two-sided CUSUM over neighbours (oldest first) then the value, with the reference system's
 * parameters (series mean and std, drift 0.05 sigma) and its defects fixed: variance divided by n,
 * S- accumulating downward deviations, and downward shifts reported as negative scores.
 * Note: with drift only 0.05 sigma, 51 i.i.d. normal values end with |S| above 3 sigma about 80% of
 * the time, so cusum flags most ordinary values; it is kept for comparison, not as the default.
 */
export function cusumScore(input: ScoreInput): Verdict {
  const none = insufficient("cusum", input);
  if (none !== undefined) return none;
  const series = [...input.neighbourValues, input.value];
  const mu = mean(series);
  const sigma = usableSpread(populationStd(series, mu), series, mu);
  const drift = CUSUM_DRIFT_SIGMAS * sigma;
  let up = 0;
  let down = 0;
  for (const x of series) {
    up = Math.max(0, up + (x - mu) - drift);
    down = Math.max(0, down + (mu - x) - drift);
  }
  const score = up >= down ? up / sigma : -down / sigma;
  return verdict("cusum", input, score, mu, sigma);
}
