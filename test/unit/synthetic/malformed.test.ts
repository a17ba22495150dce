import { describe, expect, it } from "vitest";
import {
  DEFAULT_LIMITS,
  parseEvent,
  type RecordContext,
} from "../../../src/domain/detect/event.js";
import {
  malformed,
  malformedOfKind,
  MALFORMED_KINDS,
  type MalformedKind,
} from "../../../src/synthetic/malformed.js";
import { createRng } from "../../../src/synthetic/random.js";
import { createMessageSource, MALFORMED_KEY } from "../../../src/synthetic/source.js";

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const ctx: RecordContext = { topic: "geo-events", partition: 0, offset: "1", timestampMs: NOW };

const expectedReason: Record<MalformedKind, string> = {
  not_json: "not_json",
  binary: "not_utf8",
  lat_out_of_range: "bad_lat",
  missing_value: "bad_value",
  value_as_string: "bad_value",
  oversized: "too_large",
};

describe("malformed messages", () => {
  it.each(MALFORMED_KINDS)("%s is dead-lettered by parseEvent for the intended reason", (kind) => {
    const rng = createRng(3);
    for (let i = 0; i < 20; i += 1) {
      const result = parseEvent(malformedOfKind(kind, rng, NOW), ctx, DEFAULT_LIMITS, NOW);
      expect(result.ok ? "ok" : result.reason).toBe(expectedReason[kind]);
    }
  });

  it("the oversized blob is about 100 kB of valid JSON", () => {
    const blob = malformedOfKind("oversized", createRng(1), NOW);
    expect(blob.length).toBeGreaterThanOrEqual(100_000);
    expect(blob.length).toBeLessThan(100_100);
    expect(() => JSON.parse(blob.toString("utf8")) as unknown).not.toThrow();
  });

  it("every random malformed message is rejected", () => {
    const rng = createRng(4);
    for (let i = 0; i < 300; i += 1) {
      expect(parseEvent(malformed(rng, NOW), ctx, DEFAULT_LIMITS, NOW).ok).toBe(false);
    }
  });

  it("while every generated event is accepted as it was sent", () => {
    const source = createMessageSource({
      distribution: "mixed",
      seed: 8,
      anomalyFraction: 0.1,
      magnitudes: [6, 10],
      malformedFraction: 0.2,
      clock: () => NOW,
    });
    for (let i = 0; i < 2000; i += 1) {
      const m = source.next();
      const result = parseEvent(m.value, ctx, DEFAULT_LIMITS, NOW);
      expect(result.ok).toBe(m.key !== MALFORMED_KEY);
      if (result.ok) {
        const sent = JSON.parse(m.value.toString("utf8")) as { id: string; value: number };
        expect(result.event.id).toBe(sent.id);
        expect(result.event.value).toBe(sent.value);
        expect(result.event.timeMs).toBe(NOW);
      }
    }
  });
});
