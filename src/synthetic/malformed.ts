/**
 * Bad messages on purpose, one per way a real producer goes wrong, so demos and tests can drive
 * the detector's dead-letter path with the same tool that drives its happy path.
 */
import type { Rng } from "./random.js";

export const MALFORMED_KINDS = [
  "not_json",
  "binary",
  "lat_out_of_range",
  "missing_value",
  "value_as_string",
  "oversized",
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** Size of the `oversized` blob: above the detector's default 64 KiB limit. */
export const OVERSIZED_BYTES = 100_000;

const json = (body: unknown): Buffer => Buffer.from(JSON.stringify(body), "utf8");

function fields(rng: Rng, nowMs: number): { id: string; lon: number; time: string } {
  return {
    id: `bad-${rng.int(1e9).toString(36)}`,
    lon: Math.round(rng.uniform(-180, 180) * 1e4) / 1e4,
    time: new Date(nowMs).toISOString(),
  };
}

/** One malformed record value of the given kind (the JSON ones are otherwise well-formed). */
export function malformedOfKind(kind: MalformedKind, rng: Rng, nowMs = Date.now()): Buffer {
  switch (kind) {
    case "not_json":
      return Buffer.from(`lat=12.5 lon=${rng.int(180)} value=oops`, "utf8");
    case "binary": {
      const bytes = Buffer.alloc(16 + rng.int(48));
      for (let i = 0; i < bytes.length; i += 1) bytes[i] = rng.int(256);
      bytes[0] = 0xff; // never valid UTF-8, so never accidentally valid JSON
      return bytes;
    }
    case "lat_out_of_range":
      return json({ ...fields(rng, nowMs), lat: 123, value: 1 });
    case "missing_value":
      return json({ ...fields(rng, nowMs), lat: rng.uniform(-60, 60) });
    case "value_as_string":
      return json({ ...fields(rng, nowMs), lat: rng.uniform(-60, 60), value: "12.5" });
    case "oversized": {
      const head = { ...fields(rng, nowMs), lat: rng.uniform(-60, 60), value: 1, padding: "" };
      const pad = OVERSIZED_BYTES - JSON.stringify(head).length;
      return json({ ...head, padding: "x".repeat(Math.max(0, pad)) });
    }
  }
}

/** A malformed record value of a uniformly chosen kind. */
export function malformed(rng: Rng, nowMs = Date.now()): Buffer {
  return malformedOfKind(rng.pick(MALFORMED_KINDS), rng, nowMs);
}
