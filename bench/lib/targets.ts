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

/** A target's name, the measured value (null: not measured), its goal, unit and shown digits. */
type BoundArgs = [
  target: string,
  value: number | null,
  goal: number,
  unit?: string,
  digits?: number,
];

/** A bound on a value, from below (≥) or above (≤), with how far the value is from it. */
function boundTarget(
  bound: "≥" | "≤",
  ...[target, value, goal, unit = "", digits = 2]: BoundArgs
): TargetRow {
  const goalText = `${bound} ${goal}${unit}`;
  if (value === null)
    return { target, goal: goalText, measured: "n/a", met: null, distance: "n/a" };
  const gap = bound === "≥" ? value - goal : goal - value;
  const share = fmt((value / goal) * 100, 0);
  const distance =
    bound === "≥"
      ? `${gap >= 0 ? "+" : ""}${fmt(gap, digits)}${unit} (${share}% of goal)`
      : gap >= 0
        ? `${fmt(gap, digits)}${unit} to spare`
        : `${fmt(-gap, digits)}${unit} over (${share}% of limit)`;
  return {
    target,
    goal: goalText,
    measured: `${fmt(value, digits)}${unit}`,
    met: gap >= 0,
    distance,
  };
}

/** A ">= goal" target. */
export const atLeast = (...args: BoundArgs): TargetRow => boundTarget("≥", ...args);

/** A "<= goal" target. */
export const atMost = (...args: BoundArgs): TargetRow => boundTarget("≤", ...args);

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
