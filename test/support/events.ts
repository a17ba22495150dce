import type { KafkaMessage } from "kafkajs";
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";

/** A known event as produced to Kafka (time as ISO text). */
export interface KnownEvent {
  id: string;
  lat: number;
  lon: number;
  value: number;
  time: string;
}

/** One event as produced to Kafka (time as ISO text), e.g. the spike a test injects. */
export function oneEvent(
  id: string,
  [lat, lon]: readonly [number, number],
  value: number,
  timeMs = Date.now(),
): KnownEvent {
  return { id, lat, lon, value, time: new Date(timeMs).toISOString() };
}

/** The event ids of published alerts, in the order they came. */
export function alertIds(alerts: readonly KafkaMessage[]): string[] {
  return alerts.map((m) => (JSON.parse(m.value?.toString() ?? "{}") as AnomalyAlert).event.id);
}

/** Events at one place (jittered within a few metres), with deterministic values around `centre`. */
export function eventsAt(
  prefix: string,
  lat: number,
  lon: number,
  count: number,
  centre = 20,
  startMs = Date.now() - 60_000,
): KnownEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(4, "0")}`,
    lat: lat + ((i % 7) - 3) * 0.00002,
    lon: lon + ((i % 5) - 2) * 0.00002,
    value: centre + (((i * 7) % 21) - 10) / 10,
    time: new Date(startMs + i * 10).toISOString(),
  }));
}

/** A deterministic pseudo-random sequence in [0, 1). */
export function sequence(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `count` events spread uniformly over a box (west > east wraps), values around 20. */
export function eventsIn(
  prefix: string,
  box: { south: number; west: number; north: number; east: number },
  count: number,
  startMs: number,
  seed: number,
): KnownEvent[] {
  const rnd = sequence(seed);
  const width = box.west <= box.east ? box.east - box.west : 360 - box.west + box.east;
  return Array.from({ length: count }, (_, i) => {
    let lon = box.west + rnd() * width;
    if (lon > 180) lon -= 360;
    return {
      id: `${prefix}-${String(i).padStart(4, "0")}`,
      lat: box.south + rnd() * (box.north - box.south),
      lon,
      value: 20 + (rnd() - 0.5) * 2,
      time: new Date(startMs + i * 97).toISOString(),
    };
  });
}

/**
 * Events at the places where clusters are easy to get wrong: a dense spot in Paris, the city around
 * it, Europe at large and Fiji across the antimeridian, from `t0` on.
 */
export function eventsAroundTheWorld(t0: number): KnownEvent[] {
  return [
    ...eventsAt("paris", 48.8566, 2.3522, 80, 20, t0),
    ...eventsIn("city", { south: 48.8, west: 2.25, north: 48.92, east: 2.45 }, 120, t0 + 1, 1),
    ...eventsIn("europe", { south: 36, west: -9, north: 59, east: 28 }, 80, t0 + 2, 2),
    ...eventsIn("fiji", { south: -17.8, west: 179.3, north: -16.2, east: -179.3 }, 70, t0 + 3, 3),
  ];
}
