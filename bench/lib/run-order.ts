/**
 * The order rows run in. The default row runs `repeats` times, spread over the run rather than
 * back to back (machine drift then shows as spread instead of hiding as a bias); with a compared
 * checkout each of its runs follows one of this checkout's, interleaved A B A B ..., so both
 * see the same servers and the same drift. A profiled run, if asked for, comes last: it is an
 * extra row, never one the targets are read from.
 */

/** One row to run. */
export interface RunStep {
  readonly variant: string;
  readonly detector: "this" | "compared";
  /** 1-based run of the default row; undefined for other rows. */
  readonly repeat?: number;
  readonly profiled: boolean;
}

export const DEFAULT_ROW = "default";

export interface RunOrderInput {
  /** Variant rows besides the default row, in the order given. */
  readonly others: readonly string[];
  readonly repeats: number;
  readonly compare: boolean;
  readonly profile: boolean;
}

/** The rows of one run, in order (see the module comment). */
export function runOrder(input: RunOrderInput): RunStep[] {
  const { others, repeats } = input;
  if (!(Number.isInteger(repeats) && repeats >= 1)) {
    throw new RangeError(`repeats must be a whole number >= 1, got ${repeats}`);
  }
  const steps: RunStep[] = [];
  const row = (variant: string): RunStep => ({ variant, detector: "this", profiled: false });
  const defaults = (repeat: number): RunStep[] => [
    { variant: DEFAULT_ROW, detector: "this", repeat, profiled: false },
    ...(input.compare
      ? [{ variant: DEFAULT_ROW, detector: "compared" as const, repeat, profiled: false }]
      : []),
  ];
  // Repeat r (r >= 2) starts after its share of the other rows: others split into
  // (repeats - 1) nearly equal runs, the last repeat after them all.
  let next = 0;
  for (let r = 1; r <= repeats; r++) {
    steps.push(...defaults(r));
    const until =
      r === repeats
        ? others.length
        : repeats === 1
          ? others.length
          : Math.round((others.length * r) / (repeats - 1));
    while (next < until) steps.push(row(others[next++] as string));
  }
  if (input.profile) steps.push({ variant: DEFAULT_ROW, detector: "this", profiled: true });
  return steps;
}
