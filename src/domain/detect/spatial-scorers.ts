/**
 * Scorers that weigh where the neighbours are: a plane fitted through their values (trend) and
 * the residual of the event against it among its inliers (local), for fields that vary smoothly.
 */
import {
  insufficient,
  MAD_TO_SIGMA,
  mean,
  median,
  robustScore,
  usableSpread,
  verdict,
  type ScoreInput,
  type Verdict,
} from "./scoring.js";

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
