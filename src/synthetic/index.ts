/**
 * The synthetic feed's public surface: pure generators for tests and benchmarks (the Kafka feed of
 * `geoanomaly produce` and the demo is src/kafka/synthetic-producer.ts).
 */
export { createRng, deriveSeed, type Rng } from "./random.js";
export {
  createDistribution,
  DISTRIBUTION_NAMES,
  isDistributionName,
  placesDistribution,
  type Distribution,
  type DistributionName,
  type LatLon,
} from "./distributions.js";
export { baseline, noiseSigma, SIGMA_MODES, type SigmaMode } from "./field.js";
export { describeNearestPlace, nearestPlace, PLACES, type Place } from "./places.js";
export {
  createGenerator,
  type EventLabel,
  type Generator,
  type GeneratorOptions,
  type LabelledEvent,
  type SyntheticEvent,
} from "./generator.js";
export { malformed, malformedOfKind, MALFORMED_KINDS, type MalformedKind } from "./malformed.js";
export {
  createMessageSource,
  encodeEvent,
  type MessageSource,
  type SourceCounts,
} from "./source.js";
export { runFeed, type FeedOptions, type FeedResult } from "./feed.js";
