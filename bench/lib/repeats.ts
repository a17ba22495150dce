/**
 * The spread of a figure over repeats of one row in one run: min, median and max, and max / min,
 * which says whether a difference between two rows (or two releases) is bigger than the noise.
 */

export interface RepeatsSummary {
  /** Figures of the repeats that produced one, in run order. */
  readonly values: readonly number[];
  /** Repeats that produced no figure (a failed row, or no flat phase). */
  readonly missing: number;
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
  /** max / min; null without two figures or with a zero. */
  readonly maxOverMin: number | null;
  /** Index (in run order, over all repeats) of the repeat whose figure is the median (lower median). */
  readonly medianIndex: number | null;
}

/**
 * Summarises the repeats' figures (null: that repeat has none). The median of an even count is
 * the lower middle, so it is always a figure some repeat really measured.
 */
export function summarizeRepeats(figures: readonly (number | null)[]): RepeatsSummary {
  const present = figures
    .map((value, index) => ({ value, index }))
    .filter(
      (f): f is { value: number; index: number } => f.value !== null && Number.isFinite(f.value),
    );
  const sorted = [...present].sort((a, b) => a.value - b.value || a.index - b.index);
  const mid = sorted[(sorted.length - 1) >>> 1];
  const min = sorted[0]?.value ?? null;
  const max = sorted.at(-1)?.value ?? null;
  return {
    values: present.map((p) => p.value),
    missing: figures.length - present.length,
    min,
    median: mid?.value ?? null,
    max,
    maxOverMin: present.length >= 2 && min !== null && max !== null && min > 0 ? max / min : null,
    medianIndex: mid?.index ?? null,
  };
}
