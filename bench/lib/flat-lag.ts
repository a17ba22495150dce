/**
 * Whether a paced phase was sustainable: the consumer lag (produced offsets minus the group's
 * committed offsets) stayed flat for the whole phase. A pipeline slower than the rate shows a lag
 * that grows by (rate - capacity) every second; one that keeps up shows a lag that only saw-tooths
 * around a batch or two. Pure, so the rule that decides the headline figure is unit-tested.
 */

/** The group's lag at one moment of a phase (ms since any fixed origin). */
export interface LagSample {
  readonly tMs: number;
  readonly lag: number;
}

/** What "flat" means; see {@link judgeFlatLag}. */
export interface FlatLagRule {
  /** Share of the phase at its start left out of the slope: the pipeline settling into the rate. */
  readonly settleShare: number;
  /** Steepest tolerated growth of the lag, as a share of the rate (0.03: 3% of what is produced). */
  readonly slopeShare: number;
  /**
   * Growth over the judged part of the phase that is always tolerated, in events: at low rates a
   * share of the rate is less than one batch of the detector, which is noise, not a backlog.
   */
  readonly minGrowth: number;
  /** Largest lag at the end of the phase, in seconds of the rate... */
  readonly finalLagSeconds: number;
  /** ...but never less than this many events (a batch or two at low rates). */
  readonly minFinalLag: number;
  /** Share of the phase at its end whose median lag is the final lag (a sample may hit a sawtooth top). */
  readonly finalShare: number;
}

/** The rule the harness uses unless a preset says otherwise. */
export const DEFAULT_FLAT_LAG_RULE: FlatLagRule = {
  settleShare: 0.2,
  slopeShare: 0.03,
  minGrowth: 50,
  finalLagSeconds: 2,
  minFinalLag: 200,
  finalShare: 0.1,
};

export interface FlatLagVerdict {
  readonly flat: boolean;
  /** Least-squares growth of the lag after the settling part, events per second. */
  readonly slopePerSecond: number | null;
  /** The slope as a share of the rate. */
  readonly slopeShare: number | null;
  /** The steepest slope tolerated for this phase, events per second. */
  readonly slopeBound: number;
  readonly finalLag: number | null;
  readonly finalLagBound: number;
  readonly maxLag: number | null;
  /** Why the phase is not flat; null when it is. */
  readonly reason: string | null;
}

/** Least-squares slope of y over x; null with fewer than two distinct x. */
export function slope(points: readonly { x: number; y: number }[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  return sxx === 0 ? null : sxy / sxx;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >>> 1;
  return s.length % 2 === 1 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * Judges the lag samples of one phase produced at `rate` events/s between `fromMs` and `toMs`:
 * flat when the lag's slope after the settling share is at most max(slopeShare × rate,
 * minGrowth / judged seconds) and the median lag over the final share is at most
 * max(minFinalLag, finalLagSeconds × rate). Needs at least three samples after settling, else
 * the phase is not flat (nothing to judge it on).
 */
export function judgeFlatLag(
  samples: readonly LagSample[],
  rate: number,
  fromMs: number,
  toMs: number,
  rule: FlatLagRule = DEFAULT_FLAT_LAG_RULE,
): FlatLagVerdict {
  if (!(rate > 0) || !(toMs > fromMs)) {
    throw new RangeError(`need rate > 0 and toMs > fromMs, got ${rate}, ${fromMs}..${toMs}`);
  }
  const inPhase = samples.filter((s) => s.tMs >= fromMs && s.tMs <= toMs);
  const settled = fromMs + (toMs - fromMs) * rule.settleShare;
  const judged = inPhase.filter((s) => s.tMs >= settled);
  const finalFrom = toMs - (toMs - fromMs) * rule.finalShare;
  const tail = inPhase.filter((s) => s.tMs >= finalFrom);
  const finalLag = median((tail.length > 0 ? tail : inPhase.slice(-1)).map((s) => s.lag));
  const finalLagBound = Math.max(rule.minFinalLag, rule.finalLagSeconds * rate);
  const maxLag = inPhase.length === 0 ? null : Math.max(...inPhase.map((s) => s.lag));
  const perSecond =
    judged.length < 3 ? null : slope(judged.map((s) => ({ x: s.tMs / 1000, y: s.lag })));
  const share = perSecond === null ? null : perSecond / rate;
  const judgedSeconds = (toMs - settled) / 1000;
  const slopeBound = Math.max(rule.slopeShare * rate, rule.minGrowth / judgedSeconds);
  let reason: string | null = null;
  if (perSecond === null || share === null || finalLag === null) {
    reason = `too few lag samples (${judged.length} after settling)`;
  } else if (perSecond > slopeBound) {
    reason = `lag grew ${perSecond.toFixed(1)}/s (${(share * 100).toFixed(1)}% of the rate; at most ${slopeBound.toFixed(1)}/s)`;
  } else if (finalLag > finalLagBound) {
    reason = `final lag ${finalLag.toFixed(0)} > ${finalLagBound.toFixed(0)}`;
  }
  return {
    flat: reason === null,
    slopePerSecond: perSecond,
    slopeShare: share,
    slopeBound,
    finalLag,
    finalLagBound,
    maxLag,
    reason,
  };
}
