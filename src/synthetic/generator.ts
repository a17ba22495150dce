/**
 * Labelled synthetic events: each carries the truth (anomaly or not, by how many local standard
 * deviations) so benchmarks can measure the detector's precision and recall, not just its speed.
 */
import { baseline, noiseSigma, type SigmaMode } from "./field.js";
import { createDistribution, type DistributionName } from "./distributions.js";
import { createRng, deriveSeed } from "./random.js";

export { malformed, malformedOfKind, MALFORMED_KINDS, type MalformedKind } from "./malformed.js";

/** The event exactly as it goes on the wire. */
export interface SyntheticEvent {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly value: number;
  readonly time: string;
}

/** Ground truth; `magnitude` is 0 for normal events, `expected` is the baseline at the point. */
export interface EventLabel {
  readonly anomaly: boolean;
  readonly magnitude: number;
  readonly expected: number;
  readonly sigma: number;
}

export interface LabelledEvent {
  readonly event: SyntheticEvent;
  readonly label: EventLabel;
}

export interface GeneratorOptions {
  readonly distribution: DistributionName;
  readonly seed: number;
  /** Probability in [0, 1] that an event is an injected anomaly. */
  readonly anomalyFraction: number;
  /** Anomaly sizes in local standard deviations; one is picked uniformly per anomaly. */
  readonly magnitudes: readonly number[];
  /**
   * Draws each anomaly's size uniformly from [min, max] local standard deviations instead of
   * picking from `magnitudes`, so a detector is not judged only at a few exact sizes.
   */
  readonly magnitudeRange?: readonly [number, number];
  /** Id prefix; default `s<seed>-`. Give each run its own to keep ids unique across runs. */
  readonly idPrefix?: string;
  readonly clock?: () => number;
  readonly sigma?: SigmaMode;
}

export interface Generator {
  next(): LabelledEvent;
}

/** Digits of the id sequence: sortable as strings up to 10^12 events. */
export const ID_DIGITS = 12;

function validate(opts: GeneratorOptions): void {
  const f = opts.anomalyFraction;
  if (!(f >= 0 && f <= 1)) throw new RangeError(`anomalyFraction must be in [0, 1], got ${f}`);
  const range = opts.magnitudeRange;
  if (range !== undefined) {
    const [min, max] = range;
    if (!(Number.isFinite(min) && Number.isFinite(max) && min > 0 && max >= min)) {
      throw new RangeError(
        `magnitudeRange must be [min, max] with 0 < min <= max, got [${min}, ${max}]`,
      );
    }
  } else if (f > 0 && opts.magnitudes.length === 0) {
    throw new RangeError("magnitudes must list at least one value when anomalyFraction > 0");
  }
  for (const m of opts.magnitudes) {
    if (!(Number.isFinite(m) && m > 0)) throw new RangeError(`magnitudes must be > 0, got ${m}`);
  }
}

/** A deterministic stream of labelled events: equal options and clock readings, equal events. */
export function createGenerator(opts: GeneratorOptions): Generator {
  validate(opts);
  const rng = createRng(deriveSeed(opts.seed, 0));
  const dist = createDistribution(opts.distribution, opts.seed);
  const prefix = opts.idPrefix ?? `s${Math.trunc(opts.seed) >>> 0}-`;
  const clock = opts.clock ?? Date.now;
  const sigmaMode = opts.sigma ?? "constant";
  const range = opts.magnitudeRange;
  // One draw either way, so the rest of the stream does not depend on how sizes are chosen.
  const size = (): number =>
    range === undefined ? rng.pick(opts.magnitudes) : rng.uniform(range[0], range[1]);
  let seq = 0;

  return {
    next(): LabelledEvent {
      const { lat, lon } = dist.sample(rng);
      const expected = baseline(lat, lon);
      const sigma = noiseSigma(lat, lon, sigmaMode);
      const anomaly = rng.next() < opts.anomalyFraction;
      let value: number;
      let magnitude = 0;
      if (anomaly) {
        magnitude = size();
        value = expected + (rng.next() < 0.5 ? -1 : 1) * magnitude * sigma;
      } else {
        value = rng.normal(expected, sigma);
      }
      const id = `${prefix}${String(seq).padStart(ID_DIGITS, "0")}`;
      seq += 1;
      return {
        event: { id, lat, lon, value, time: new Date(clock()).toISOString() },
        label: { anomaly, magnitude, expected, sigma },
      };
    },
  };
}
