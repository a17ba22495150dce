import fc from "fast-check";
import type { Message } from "kafkajs";
import { describe, expect, it } from "vitest";
import { DEAD_LETTER_REASONS } from "../../../src/domain/detect/event.js";
import {
  DEAD_LETTER_LIMITS,
  DLQ_HEADERS,
  deadLetterMessage,
  messageBytes,
  undecodableBatchMessage,
} from "../../../src/kafka/dead-letter-message.js";
import { chunkMessages } from "../../../src/kafka/request-chunks.js";
import type { HeaderValue, InboundRecord } from "../../../src/pipeline/ports.js";

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const headerValue: fc.Arbitrary<HeaderValue> = fc.oneof(
  bytes(4096),
  fc.string({ unit: "binary", maxLength: 256 }),
  fc.array(fc.oneof(bytes(4096), fc.string()), { maxLength: 3 }),
  fc.constant(undefined),
);
const record: fc.Arbitrary<InboundRecord> = fc.record({
  topic: fc.constant("geo-events"),
  partition: fc.nat(1000),
  offset: fc.bigInt({ min: 0n, max: 2n ** 62n }).map(String),
  timestampMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  key: fc.option(bytes(2048), { nil: null }),
  value: fc.option(bytes(70_000), { nil: null }),
  headers: fc.dictionary(fc.string({ unit: "binary", maxLength: 40 }), headerValue, { maxKeys: 8 }),
});
const OURS = new Set<string>(Object.values(DLQ_HEADERS));

function header(m: Message, name: string): string | undefined {
  return m.headers?.[name]?.toString();
}

describe("deadLetterMessage (property)", () => {
  it("keeps the key, bytes and headers that fit, says what was cut, and adds why and where from", () => {
    const limits = { keyBytes: 1024, valueBytes: 65_536, headerBytes: 8192, detailChars: 100 };
    fc.assert(
      fc.property(
        record,
        fc.constantFrom(...DEAD_LETTER_REASONS),
        fc.string({ maxLength: 200 }),
        (r, reason, detail) => {
          const m = deadLetterMessage({ record: r, reason, detail }, limits);
          const cuts = header(m, DLQ_HEADERS.truncated)?.split(",") ?? [];
          // The key and value are the originals, or their first bytes when over the bound.
          expect(m.key).toEqual(r.key === null ? null : r.key.subarray(0, limits.keyBytes));
          expect(m.value).toEqual(r.value === null ? null : r.value.subarray(0, limits.valueBytes));
          expect(cuts.includes("key")).toBe((r.key?.length ?? 0) > limits.keyBytes);
          expect(cuts.includes("value")).toBe((r.value?.length ?? 0) > limits.valueBytes);
          expect(cuts.includes("detail")).toBe(detail.length > limits.detailChars);
          if (r.value !== null)
            expect(header(m, DLQ_HEADERS.originalSize)).toBe(String(r.value.length));
          let copied = 0;
          for (const [name, value] of Object.entries(m.headers ?? {})) {
            // Every header value is something the Kafka client can encode.
            const values = Array.isArray(value) ? value : [value];
            for (const v of values) expect(typeof v === "string" || Buffer.isBuffer(v)).toBe(true);
            if (OURS.has(name)) continue;
            expect(value).toBe(r.headers[name]);
            copied +=
              Buffer.byteLength(name) + values.reduce((n, v) => n + Buffer.byteLength(v ?? ""), 0);
          }
          expect(copied).toBeLessThanOrEqual(limits.headerBytes);
          const dropped = Object.entries(r.headers).some(
            ([name, v]) => v !== undefined && !OURS.has(name) && m.headers?.[name] === undefined,
          );
          expect(cuts.includes("headers")).toBe(dropped);
          expect(header(m, DLQ_HEADERS.reason)).toBe(reason);
          expect(
            header(m, DLQ_HEADERS.detail)?.startsWith(detail.slice(0, limits.detailChars)),
          ).toBe(true);
          expect(header(m, DLQ_HEADERS.offset)).toBe(r.offset);
          expect(header(m, DLQ_HEADERS.partition)).toBe(String(r.partition));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is never larger than the bounds allow, whatever the record", () => {
    const huge: InboundRecord = {
      topic: "geo-events",
      partition: 1,
      offset: "5",
      timestampMs: 0,
      key: Buffer.alloc(3_000_000, 1),
      value: Buffer.alloc(50_000_000, 2),
      headers: Object.fromEntries(
        Array.from({ length: 100 }, (_, i) => [`h${i}`, Buffer.alloc(100_000, 3)]),
      ),
    };
    const m = deadLetterMessage({ record: huge, reason: "too_large", detail: "x".repeat(1e6) });
    const { keyBytes, valueBytes, headerBytes, detailChars } = DEAD_LETTER_LIMITS;
    expect(messageBytes(m)).toBeLessThan(
      keyBytes + valueBytes + headerBytes + detailChars * 3 + 1024,
    );
    expect(header(m, DLQ_HEADERS.truncated)).toBe("headers,key,value,detail");
    expect(header(m, DLQ_HEADERS.originalSize)).toBe("50000000");
  });
});

describe("undecodableBatchMessage", () => {
  const range = {
    topic: "geo-events",
    partition: 3,
    firstOffset: "100",
    lastOffset: "149",
    batch: {
      codec: "zstd",
      detail: "zstd batch could not be decoded: invalid zstd data (50 records)",
      records: 50,
      compressedBytes: 200_000,
      sample: Buffer.alloc(65_536, 7),
    },
  };

  it("describes the range, the codec and why, with the first bytes of the batch", () => {
    const m = undecodableBatchMessage(range);
    expect(m.key).toBeNull();
    expect(m.value).toEqual(range.batch.sample);
    expect(header(m, DLQ_HEADERS.reason)).toBe("undecodable_batch");
    expect(header(m, DLQ_HEADERS.detail)).toBe(range.batch.detail);
    expect(header(m, DLQ_HEADERS.topic)).toBe("geo-events");
    expect(header(m, DLQ_HEADERS.partition)).toBe("3");
    expect(header(m, DLQ_HEADERS.offset)).toBe("100");
    expect(header(m, DLQ_HEADERS.lastOffset)).toBe("149");
    expect(header(m, DLQ_HEADERS.records)).toBe("50");
    expect(header(m, DLQ_HEADERS.codec)).toBe("zstd");
    expect(header(m, DLQ_HEADERS.originalSize)).toBe("200000");
    expect(header(m, DLQ_HEADERS.truncated)).toBe("value");
  });

  it("says nothing was cut when the whole batch fits", () => {
    const small = {
      ...range,
      batch: { ...range.batch, compressedBytes: 10, sample: Buffer.alloc(10) },
    };
    expect(header(undecodableBatchMessage(small), DLQ_HEADERS.truncated)).toBeUndefined();
  });
});

describe("chunkMessages", () => {
  const msg = (size: number): Message => ({ value: Buffer.alloc(size) });

  it("keeps each request under the bound, a larger message alone", () => {
    const chunks = chunkMessages([msg(40), msg(40), msg(40), msg(150), msg(10)], 100);
    expect(chunks.map((c) => c.map((m) => m.value?.length))).toEqual([[40, 40], [40], [150], [10]]);
    expect(chunkMessages([], 100)).toEqual([]);
  });
});
