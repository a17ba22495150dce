import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEAD_LETTER_REASONS,
  DEFAULT_LIMITS,
  parseEvent,
  type ParseResult,
} from "../../../src/domain/detect/event.js";

const NOW = Date.UTC(2026, 10, 22, 12);
const CTX = { topic: "geo-events", partition: 3, offset: "42", timestampMs: NOW - 1000 };

/** Parses, failing the property if it throws or takes long (no input may hang the consumer). */
function parse(bytes: Uint8Array | null): ParseResult {
  const t0 = performance.now();
  const result = parseEvent(bytes, CTX, DEFAULT_LIMITS, NOW);
  expect(performance.now() - t0).toBeLessThan(250);
  return result;
}

function expectWellFormed(result: ParseResult): void {
  if (result.ok) {
    const e = result.event;
    expect(Number.isFinite(e.lat) && e.lat >= -90 && e.lat <= 90).toBe(true);
    expect(Number.isFinite(e.lon) && e.lon >= -180 && e.lon <= 180).toBe(true);
    expect(Number.isFinite(e.value)).toBe(true);
    expect(Number.isFinite(e.timeMs)).toBe(true);
    expect(e.id.length).toBeGreaterThan(0);
    return;
  }
  expect(DEAD_LETTER_REASONS).toContain(result.reason);
  expect(result.detail.length).toBeGreaterThan(0);
}

/** JSON-ish objects that look like events, with every field sometimes wrong. */
const eventLike = fc.record(
  {
    id: fc.oneof(
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.string({ minLength: 250, maxLength: 300 }),
    ),
    lat: fc.oneof(fc.double(), fc.string(), fc.constant(null), fc.double({ min: -90, max: 90 })),
    lon: fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.double({ min: -180, max: 180 })),
    value: fc.oneof(fc.double(), fc.string(), fc.array(fc.integer()), fc.constant(1e308)),
    time: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.integer(),
      fc.string(),
      fc.constant("2024-02-30T00:00:00Z"),
      fc.constant(NOW),
    ),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe(
  "parseEvent never throws or hangs, and every rejection has a reason (properties)",
  { timeout: 60_000 },
  () => {
    it("on arbitrary bytes", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => expectWellFormed(parse(bytes))),
        { numRuns: 2000 },
      );
    });

    it("on arbitrary strings in odd encodings (UTF-8, UTF-16, lone surrogates)", () => {
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 512 }), (s) => {
          expectWellFormed(parse(Buffer.from(s, "utf8")));
          expectWellFormed(parse(Buffer.from(s, "utf16le")));
          expectWellFormed(parse(Buffer.from(s, "latin1")));
        }),
        { numRuns: 1000 },
      );
    });

    it("on arbitrary JSON values", () => {
      fc.assert(
        fc.property(fc.jsonValue(), (v) =>
          expectWellFormed(parse(Buffer.from(JSON.stringify(v) ?? ""))),
        ),
        { numRuns: 1500 },
      );
    });

    it("on event-like objects with wrong, missing or extreme fields", () => {
      fc.assert(
        fc.property(eventLike, (o) => expectWellFormed(parse(Buffer.from(JSON.stringify(o))))),
        { numRuns: 3000 },
      );
    });

    it("on deep nesting and huge numbers at the size limit", () => {
      const deep = `${"[".repeat(20_000)}${"]".repeat(20_000)}`;
      expectWellFormed(parse(Buffer.from(deep)));
      const big = JSON.stringify({
        lat: 1,
        lon: 2,
        value: 1,
        pad: "x".repeat(DEFAULT_LIMITS.maxBytes),
      });
      expect(parse(Buffer.from(big))).toMatchObject({ ok: false, reason: "too_large" });
      expect(parse(Buffer.from('{"lat":1e999,"lon":2,"value":1}'))).toMatchObject({
        ok: false,
        reason: "bad_lat",
      });
    });
  },
);
