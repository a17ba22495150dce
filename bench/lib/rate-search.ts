/**
 * The search for the sustained rate: a few open-loop paced phases, each judged flat or not by
 * its consumer lag, starting near a drain-rate estimate, stepping up while flat and down while
 * not, then bisecting the bracket until it is narrower than the resolution. Pure: the planner
 * only says which rate to try next, so its stepping is unit-tested without servers.
 */

export interface RateSearchRule {
  /** The first rate, as a share of the drain-rate estimate. */
  readonly startShare: number;
  /** Step outside a bracket: up by ×(1 + step) after a flat phase, down by ÷(1 + step) after not. */
  readonly step: number;
  /** Stop once highest flat and lowest not-flat rates are within ×(1 + resolution). */
  readonly resolution: number;
  /** Most phases per search. */
  readonly maxPhases: number;
  /** Never pace below this rate (events/s): the search gives up instead. */
  readonly minRate: number;
}

/** One phase of the search: the rate asked for, what the producer achieved, the verdict. */
export interface RatePhase {
  readonly targetRate: number;
  /** Events sent per second over the phase (the producer may fall short of the target). */
  readonly achievedRate: number;
  readonly flat: boolean;
}

/** The highest flat and the lowest not-flat target above it, from the phases so far. */
export function bracket(phases: readonly RatePhase[]): {
  readonly lo: RatePhase | null;
  readonly hi: RatePhase | null;
} {
  let lo: RatePhase | null = null;
  for (const p of phases) if (p.flat && (lo === null || p.targetRate > lo.targetRate)) lo = p;
  let hi: RatePhase | null = null;
  for (const p of phases) {
    if (p.flat || (lo !== null && p.targetRate <= lo.targetRate)) continue;
    if (hi === null || p.targetRate < hi.targetRate) hi = p;
  }
  return { lo, hi };
}

/**
 * The next target rate, or null when the search is done: the phase budget is spent, the bracket
 * is within the resolution, or the rate would fall under `minRate`. A not-flat phase below a
 * flat one (noise) is ignored by the bracket, never a reason to search below a flat rate.
 */
export function nextRate(
  estimate: number,
  phases: readonly RatePhase[],
  rule: RateSearchRule,
): number | null {
  if (!(estimate > 0)) throw new RangeError(`estimate must be > 0, got ${estimate}`);
  if (phases.length === 0) return Math.round(Math.max(rule.minRate, estimate * rule.startShare));
  if (phases.length >= rule.maxPhases) return null;
  const { lo, hi } = bracket(phases);
  let next: number;
  if (lo === null) {
    const lowest = Math.min(...phases.map((p) => p.targetRate));
    next = lowest / (1 + rule.step);
    if (next < rule.minRate) return null;
  } else if (hi === null) {
    next = lo.targetRate * (1 + rule.step);
  } else {
    if (hi.targetRate / lo.targetRate <= 1 + rule.resolution) return null;
    next = Math.sqrt(lo.targetRate * hi.targetRate);
  }
  return Math.round(next);
}

/**
 * The sustained rate the phases show: what the producer achieved in the flat phase of the
 * highest target rate; null when no phase was flat.
 */
export function sustainedRate(phases: readonly RatePhase[]): number | null {
  const { lo } = bracket(phases);
  return lo === null ? null : lo.achievedRate;
}
