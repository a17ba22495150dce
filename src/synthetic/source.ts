/**
 * Turns the generator into Kafka-ready messages: keyed by a length-4 geohash so one place always
 * lands on one partition, with an optional share of malformed records, and counts what it made.
 */
import ngeohash from "ngeohash";
import { createGenerator, type GeneratorOptions, type SyntheticEvent } from "./generator.js";
import { malformed } from "./malformed.js";
import { createRng, deriveSeed } from "./random.js";

/** Geohash length of the message key: ~39 x 19.5 km cells, coarser than any neighbourhood. */
export const KEY_GEOHASH_LENGTH = 4;

/** Key of malformed records, which have no trustworthy position. */
export const MALFORMED_KEY = "malformed";

export interface OutgoingMessage {
  key: string;
  value: Buffer;
}

/** What a source has produced so far (every message `next` returned). */
export interface SourceCounts {
  readonly messages: number;
  readonly events: number;
  readonly anomalies: number;
  readonly malformed: number;
}

export interface MessageSourceOptions extends GeneratorOptions {
  /** Probability in [0, 1] that a message is malformed instead of an event. */
  readonly malformedFraction?: number;
}

export interface MessageSource {
  next(): OutgoingMessage;
  counts(): SourceCounts;
}

/** The wire form of an event: JSON value, geohash key. */
export function encodeEvent(event: SyntheticEvent): OutgoingMessage {
  return {
    key: ngeohash.encode(event.lat, event.lon, KEY_GEOHASH_LENGTH),
    value: Buffer.from(JSON.stringify(event), "utf8"),
  };
}

/**
 * Deterministic message stream for `runFeed`. Malformed records draw from their own random
 * stream, so the valid events of a seed do not depend on `malformedFraction`.
 */
export function createMessageSource(opts: MessageSourceOptions): MessageSource {
  const badShare = opts.malformedFraction ?? 0;
  if (!(badShare >= 0 && badShare <= 1)) {
    throw new RangeError(`malformedFraction must be in [0, 1], got ${badShare}`);
  }
  const generator = createGenerator(opts);
  const badRng = createRng(deriveSeed(opts.seed, 7));
  const clock = opts.clock ?? Date.now;
  let events = 0;
  let anomalies = 0;
  let bad = 0;

  return {
    next(): OutgoingMessage {
      if (badShare > 0 && badRng.next() < badShare) {
        bad += 1;
        return { key: MALFORMED_KEY, value: malformed(badRng, clock()) };
      }
      const { event, label } = generator.next();
      events += 1;
      if (label.anomaly) anomalies += 1;
      return encodeEvent(event);
    },
    counts: () => ({ messages: events + bad, events, anomalies, malformed: bad }),
  };
}
