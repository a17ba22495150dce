import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEAD_LETTER_REASONS } from "../../../src/domain/event.js";
import { DLQ_HEADERS, deadLetterMessage } from "../../../src/kafka/dead-letter-sink.js";
import type { HeaderValue, InboundRecord } from "../../../src/pipeline/ports.js";

const bytes = fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a));
const headerValue: fc.Arbitrary<HeaderValue> = fc.oneof(
  bytes,
  fc.string({ unit: "binary", maxLength: 256 }),
  fc.array(fc.oneof(bytes, fc.string()), { maxLength: 3 }),
  fc.constant(undefined),
);
const record: fc.Arbitrary<InboundRecord> = fc.record({
  topic: fc.constant("geo-events"),
  partition: fc.nat(1000),
  offset: fc.bigInt({ min: 0n, max: 2n ** 62n }).map(String),
  timestampMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  key: fc.option(bytes, { nil: null }),
  value: fc.option(
    fc.uint8Array({ maxLength: 70_000 }).map((a) => Buffer.from(a)),
    { nil: null },
  ),
  headers: fc.dictionary(fc.string({ unit: "binary", maxLength: 40 }), headerValue, { maxKeys: 8 }),
});

describe("deadLetterMessage (property)", () => {
  it("keeps the original key, bytes and headers, and adds why and where from", () => {
    fc.assert(
      fc.property(
        record,
        fc.constantFrom(...DEAD_LETTER_REASONS),
        fc.string(),
        (r, reason, detail) => {
          const m = deadLetterMessage({ record: r, reason, detail });
          expect(m.key).toBe(r.key);
          expect(m.value).toBe(r.value);
          const headers = m.headers ?? {};
          for (const [name, value] of Object.entries(headers)) {
            // Every header value is something the Kafka client can encode.
            expect(value).not.toBeUndefined();
            const values = Array.isArray(value) ? value : [value];
            for (const v of values) expect(typeof v === "string" || Buffer.isBuffer(v)).toBe(true);
            if (!Object.values(DLQ_HEADERS).includes(name as never))
              expect(value).toBe(r.headers[name]);
          }
          expect(headers[DLQ_HEADERS.reason]).toBe(reason);
          expect(headers[DLQ_HEADERS.detail]).toBe(detail);
          expect(headers[DLQ_HEADERS.offset]).toBe(r.offset);
          expect(headers[DLQ_HEADERS.partition]).toBe(String(r.partition));
        },
      ),
      { numRuns: 500 },
    );
  });
});
