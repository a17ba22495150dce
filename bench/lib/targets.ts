/**
 * The targets, each with the measured value, met or missed, and the distance: reported,
 * never asserted (a noisy shared machine must not fail a build).
 */

export interface TargetRow {
  readonly target: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | null;
  readonly distance: string;
}

const fmt = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? "n/a" : v.toFixed(digits);

/** A ">= goal" target. */
export function atLeast(
  target: string,
  value: number | null,
  goal: number,
  unit = "",
  digits = 2,
): TargetRow {
  if (value === null)
    return { target, goal: `≥ ${goal}${unit}`, measured: "n/a", met: null, distance: "n/a" };
  const gap = value - goal;
  return {
    target,
    goal: `≥ ${goal}${unit}`,
    measured: `${fmt(value, digits)}${unit}`,
    met: gap >= 0,
    distance: `${gap >= 0 ? "+" : ""}${fmt(gap, digits)}${unit} (${fmt((value / goal) * 100, 0)}% of goal)`,
  };
}

/** A "<= goal" target. */
export function atMost(
  target: string,
  value: number | null,
  goal: number,
  unit = "",
  digits = 2,
): TargetRow {
  if (value === null)
    return { target, goal: `≤ ${goal}${unit}`, measured: "n/a", met: null, distance: "n/a" };
  const gap = goal - value;
  return {
    target,
    goal: `≤ ${goal}${unit}`,
    measured: `${fmt(value, digits)}${unit}`,
    met: gap >= 0,
    distance:
      gap >= 0
        ? `${fmt(gap, digits)}${unit} to spare`
        : `${fmt(-gap, digits)}${unit} over (${fmt((value / goal) * 100, 0)}% of limit)`,
  };
}

/**
 * Several sub-targets that must all hold: missed as soon as one part is a definite miss, even
 * while another has no figure; met only when every part is met; otherwise no verdict.
 */
export function allOf(target: string, parts: readonly TargetRow[]): TargetRow {
  const met = parts.some((p) => p.met === false)
    ? false
    : parts.some((p) => p.met === null)
      ? null
      : true;
  return {
    target,
    goal: parts.map((p) => `${p.target} ${p.goal}`).join("; "),
    measured: parts.map((p) => `${p.target} ${p.measured}`).join("; "),
    met,
    distance: parts.map((p) => `${p.target} ${p.distance}`).join("; "),
  };
}
