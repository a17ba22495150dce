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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

function mean(values: readonly number[]): number {
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
function usableSpread(primary: number, values: readonly number[], centre: number): number {
  if (primary > 0 && Number.isFinite(primary)) return primary;
  const fallback = MEAN_ABS_DEV_TO_SIGMA * meanAbsDev(values, centre);
  if (fallback > 0 && Number.isFinite(fallback)) return fallback;
  return SPREAD_FLOOR_RELATIVE * Math.max(1, Math.abs(centre));
}

function verdict(
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
function insufficient(scorer: ScorerName, input: ScoreInput): Verdict | undefined {
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

/** Residuals beyond this many robust sigmas are left out of the refitted plane. */
const TREND_OUTLIER_SIGMAS = 3;

/** Determinant of a 3x3 matrix given row by row. */
function det3(
  m: readonly [number, number, number, number, number, number, number, number, number],
): number {
  const [a, b, c, d, e, f, g, h, i] = m;
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/** A least-squares plane v = a + b·x + c·y and the leverage of the origin (the event) under it. */
interface PlaneFit {
  readonly coefficients: [number, number, number];
  /**
   * e₀ᵀ(XᵀX)⁻¹e₀: the variance of the plane's value at the event in units of the residual
   * variance. About 1/n when the neighbours surround the event; large when they sit far off to
   * one side, where the plane is an extrapolation.
   */
  readonly leverage: number;
}

/** Least-squares plane through the points; undefined when they are (nearly) collinear. */
function fitPlane(
  xy: readonly (readonly [number, number])[],
  v: readonly number[],
): PlaneFit | undefined {
  const n = xy.length;
  let [sx, sy, sxx, syy, sxy, sv, sxv, syv] = [0, 0, 0, 0, 0, 0, 0, 0];
  xy.forEach(([x, y], i) => {
    const z = v[i] ?? 0;
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
    sv += z;
    sxv += x * z;
    syv += y * z;
  });
  // The normal equations [[n sx sy][sx sxx sxy][sy sxy syy]]·[a b c] = [sv sxv syv], by Cramer's rule.
  const d = det3([n, sx, sy, sx, sxx, sxy, sy, sxy, syy]);
  // Collinearity is judged on the centred scatter, which does not depend on how far away the
  // neighbours are (distance is the leverage's business, not a reason to give up).
  const cxx = sxx - (sx * sx) / n;
  const cyy = syy - (sy * sy) / n;
  const scale = Math.max(1e-12, (cxx + cyy) ** 2);
  if (!(Math.abs(d) > 1e-9 * n * scale)) return undefined;
  return {
    coefficients: [
      det3([sv, sx, sy, sxv, sxx, sxy, syv, sxy, syy]) / d,
      det3([n, sv, sy, sx, sxv, sxy, sy, syv, syy]) / d,
      det3([n, sx, sv, sx, sxx, sxv, sy, sxy, syv]) / d,
    ],
    leverage: (sxx * syy - sxy * sxy) / d,
  };
}

/**
 * Robust score of the value against a local plane fitted to the neighbours by position (refitted
 * without residuals beyond 3 robust sigmas), with the plane's own uncertainty at the event:
 * score = (value − plane(event)) / (σ · √(1 + leverage)). A gradient across the neighbourhood is
 * the plane's slope, not noise; a neighbourhood far off to one side gives a large leverage, so
 * an extrapolated expectation cannot produce a confident alert. σ = 1.4826·MAD of the inliers'
 * residuals, corrected for the three fitted parameters. Without positions, or with collinear neighbours, it is the `robust` score.
 */
export function trendScore(input: ScoreInput): Verdict {
  const none = insufficient("trend", input);
  if (none !== undefined) return none;
  const fit = robustPlane(input);
  if (fit === undefined) return { ...robustScore(input), scorer: "trend" };
  const expected = fit.plane.coefficients[0] + fit.centre;
  const spread = fit.sigma * Math.sqrt(1 + Math.max(0, fit.plane.leverage));
  return verdict("trend", input, (input.value - expected) / spread, expected, spread);
}

/** A plane fitted robustly to the neighbours, with the noise of its inliers. */
interface RobustPlane {
  readonly plane: PlaneFit;
  /** Median of the inliers' residuals (the plane's offset correction). */
  readonly centre: number;
  /** 1.4826·MAD of the inliers' residuals, corrected for the three fitted parameters. */
  readonly sigma: number;
  /** Mean offset of the neighbours from the event, km east and north. */
  readonly centroid: readonly [number, number];
}

/** Least squares, then again without residuals beyond 3 robust sigmas; undefined when collinear. */
function robustPlane(input: ScoreInput): RobustPlane | undefined {
  const xy = input.neighbourOffsetsKm;
  const vs = input.neighbourValues;
  const first = xy !== undefined && xy.length === vs.length ? fitPlane(xy, vs) : undefined;
  if (xy === undefined || first === undefined) return undefined;
  const residuals = (p: PlaneFit): number[] => {
    const [a, b, c] = p.coefficients;
    return xy.map(([x, y], i) => (vs[i] ?? 0) - (a + b * x + c * y));
  };
  const r1 = residuals(first);
  const cut = TREND_OUTLIER_SIGMAS * MAD_TO_SIGMA * median(r1.map(Math.abs));
  const keep = r1.map((r) => cut === 0 || Math.abs(r) <= cut);
  const plane =
    fitPlane(
      xy.filter((_, i) => keep[i]),
      vs.filter((_, i) => keep[i]),
    ) ?? first;
  const inliers = residuals(plane).filter((_, i) => keep[i]);
  const centre = median(inliers);
  const mad = MAD_TO_SIGMA * median(inliers.map((r) => Math.abs(r - centre)));
  // Residuals of a fitted plane are smaller than the noise by √((n−3)/n): undo that.
  const n = inliers.length;
  const dof = n > 3 ? Math.sqrt(n / (n - 3)) : 2;
  const centroid: [number, number] = [mean(xy.map(([x]) => x)), mean(xy.map(([, y]) => y))];
  return { plane, centre, sigma: usableSpread(mad, inliers, centre) * dof, centroid };
}

/**
 * The neighbours' median, with an uncertainty that knows where they are: the median speaks for
 * the neighbours' centroid, so where that lies away from the event, a gradient (estimated by a
 * robust plane) can shift the value by slope × offset, and the slope itself is uncertain in
 * proportion to how far the event lies outside the neighbours. spread² = (1.4826·MAD)² +
 * (slope · centroid offset)² + σ²·(leverage − 1/n). Neighbours all around the event: the robust
 * score. Far off to one side, or on a gradient: no confident alert. Collinear neighbours or no
 * positions: the robust score.
 */
export function localScore(input: ScoreInput): Verdict {
  const none = insufficient("local", input);
  if (none !== undefined) return none;
  const base = robustScore(input);
  const fit = robustPlane(input);
  if (base.kind !== "scored" || fit === undefined) return { ...base, scorer: "local" };
  const [, b, c] = fit.plane.coefficients;
  const [x, y] = fit.centroid;
  const bias = b * x + c * y;
  const n = input.neighbourValues.length;
  const extrapolation = fit.sigma ** 2 * Math.max(0, fit.plane.leverage - 1 / n);
  const spread = Math.sqrt(base.spread ** 2 + bias ** 2 + extrapolation);
  return verdict("local", input, (input.value - base.expected) / spread, base.expected, spread);
}

/** Scorers by name, for configuration and benchmarks. */
export const SCORERS: Readonly<Record<ScorerName, Scorer>> = {
  robust: robustScore,
  zscore: zScore,
  cusum: cusumScore,
  trend: trendScore,
  local: localScore,
};
