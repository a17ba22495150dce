/**
 * Shared data preparation: every scenario draws its events from here, so the events produced,
 * the labels scored and the brute-force neighbour reference are one and the same list.
 */
import type { GeoEvent } from "../../src/domain/detect/event.js";
import {
  createGenerator,
  encodeEvent,
  type DistributionName,
  type SigmaMode,
  type SyntheticEvent,
} from "../../src/synthetic/index.js";
import type { Truth } from "./stats.js";

/** One produced event with its truth; warm-up events are never scored. */
export interface BenchEvent {
  readonly event: GeoEvent;
  readonly magnitude: number;
  readonly warmup: boolean;
  readonly key: string;
  readonly value: Buffer;
}

/** Events of one row, in production order. */
export class EventLog {
  readonly events: BenchEvent[] = [];
  private readonly byId = new Map<string, BenchEvent>();

  add(e: BenchEvent): void {
    this.events.push(e);
    this.byId.set(e.event.id, e);
  }

  get(id: string): BenchEvent | undefined {
    return this.byId.get(id);
  }

  /** Labels of the scored (non-warm-up) events. */
  truths(): Truth[] {
    return this.events
      .filter((e) => !e.warmup)
      .map((e) => ({ id: e.event.id, magnitude: e.magnitude }));
  }
}

function toBenchEvent(wire: SyntheticEvent, magnitude: number, warmup: boolean): BenchEvent {
  const { key, value } = encodeEvent(wire);
  const event: GeoEvent = {
    id: wire.id,
    lat: wire.lat,
    lon: wire.lon,
    value: wire.value,
    timeMs: Date.parse(wire.time),
  };
  return { event, magnitude, warmup, key, value };
}

export interface SourceOptions {
  readonly distribution: DistributionName;
  readonly seed: number;
  readonly anomalyFraction: number;
  /** Anomaly sizes drawn uniformly from [min, max] local standard deviations. */
  readonly magnitudeRange: readonly [number, number];
  /** Noise that varies by place (`varying`) or is the same everywhere. */
  readonly sigma: SigmaMode;
  readonly idPrefix: string;
}

/** Labelled events from src/synthetic; `warmup()` turns injected anomalies into baseline values. */
export interface EventSource {
  warmup(): BenchEvent;
  next(): BenchEvent;
}

/** An event source that records everything it hands out into `log`. */
export function eventSource(opts: SourceOptions, log: EventLog): EventSource {
  const generator = createGenerator({ ...opts, magnitudes: [], clock: Date.now });
  return {
    warmup: () => {
      const { event, label } = generator.next();
      const e = toBenchEvent(label.anomaly ? { ...event, value: label.expected } : event, 0, true);
      log.add(e);
      return e;
    },
    next: () => {
      const { event, label } = generator.next();
      const e = toBenchEvent(event, label.anomaly ? label.magnitude : 0, false);
      log.add(e);
      return e;
    },
  };
}
