/**
 * The ground truth the detector is judged against: a smooth baseline that barely changes over a
 * few kilometres (so neighbours share it) and a per-place noise level, both pure functions of
 * position so labels can be recomputed anywhere.
 */

export const SIGMA_MODES = ["constant", "varying"] as const;
/** `constant`: sigma 1 everywhere; `varying`: sigma moves smoothly between 0.5 and 2. */
export type SigmaMode = (typeof SIGMA_MODES)[number];

/**
 * Expected value at a place: 20 + 8·sin(lat/9)·cos(lon/13) + 4·sin((lat+|lon|)/31), angles in
 * degrees read as radians. Steepest slope is under 0.02 per km; `|lon|` and the even cosine keep
 * it continuous across the antimeridian.
 */
export function baseline(lat: number, lon: number): number {
  return 20 + 8 * Math.sin(lat / 9) * Math.cos(lon / 13) + 4 * Math.sin((lat + Math.abs(lon)) / 31);
}

/** Local noise standard deviation: 1, or 2^(sin(lat/7)·cos(lon/11)) in [0.5, 2] when varying. */
export function noiseSigma(lat: number, lon: number, mode: SigmaMode = "constant"): number {
  if (mode === "constant") return 1;
  return 2 ** (Math.sin(lat / 7) * Math.cos(lon / 11));
}
