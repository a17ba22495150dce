import { describe, expect, it } from "vitest";
import {
  DEAD_LETTER_REASONS,
  DEFAULT_LIMITS,
  parseEvent,
  parseIsoDateTime,
  type ParseResult,
  type RecordContext,
} from "../../../src/domain/detect/event.js";

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const ctx: RecordContext = { topic: "events", partition: 3, offset: "42", timestampMs: NOW - 1000 };
const enc = new TextEncoder();

function parse(body: unknown, now = NOW): ParseResult {
  const bytes = typeof body === "string" ? enc.encode(body) : enc.encode(JSON.stringify(body));
  return parseEvent(bytes, ctx, DEFAULT_LIMITS, now);
}

function reasonOf(r: ParseResult): string {
  return r.ok ? "ok" : r.reason;
}

const good = { id: "a1", lat: 51.5, lon: -0.12, value: 7.5, time: NOW - 60_000 };

describe("parseEvent", () => {
  it("accepts a well-formed event", () => {
    expect(parse(good)).toEqual({
      ok: true,
      event: { id: "a1", lat: 51.5, lon: -0.12, value: 7.5, timeMs: NOW - 60_000 },
    });
  });

  it("rejects null and zero-length values as empty", () => {
    expect(reasonOf(parseEvent(null, ctx, DEFAULT_LIMITS, NOW))).toBe("empty");
    expect(reasonOf(parseEvent(new Uint8Array(0), ctx, DEFAULT_LIMITS, NOW))).toBe("empty");
  });

  it("rejects oversized values before decoding them", () => {
    const huge = new Uint8Array(DEFAULT_LIMITS.maxBytes + 1).fill(0xff); // also invalid UTF-8
    const r = parseEvent(huge, ctx, DEFAULT_LIMITS, NOW);
    expect(reasonOf(r)).toBe("too_large");
    const atLimit = enc.encode(JSON.stringify(good).padEnd(DEFAULT_LIMITS.maxBytes, " "));
    expect(reasonOf(parseEvent(atLimit, ctx, DEFAULT_LIMITS, NOW))).toBe("ok");
  });

  it("rejects binary garbage as not UTF-8", () => {
    const garbage = Uint8Array.from([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x00, 0x80]);
    expect(reasonOf(parseEvent(garbage, ctx, DEFAULT_LIMITS, NOW))).toBe("not_utf8");
  });

  it("rejects text that is not JSON", () => {
    expect(reasonOf(parse("lat=1,lon=2"))).toBe("not_json");
    expect(reasonOf(parse("   "))).toBe("not_json");
    expect(reasonOf(parse('{"lat": 1,'))).toBe("not_json");
  });

  it.each([["[1,2]"], ["null"], ["42"], ['"text"'], ["true"]])(
    "rejects %s as not an object",
    (body) => {
      expect(reasonOf(parse(body))).toBe("not_object");
    },
  );

  it("falls back to topic-partition-offset when id is absent", () => {
    const r = parse({ ...good, id: undefined }); // JSON.stringify drops undefined fields
    expect(r.ok && r.event.id).toBe("events-3-42");
  });

  it.each([[""], [7], [null], ["x".repeat(257)], [["a"]]])("rejects id %j", (id) => {
    expect(reasonOf(parse({ ...good, id }))).toBe("bad_id");
  });

  it("accepts an id of exactly 256 chars", () => {
    expect(reasonOf(parse({ ...good, id: "x".repeat(256) }))).toBe("ok");
  });

  it.each([["51.5"], [90.0001], [-90.5], [null], [undefined]])("rejects lat %j", (lat) => {
    expect(reasonOf(parse({ ...good, lat }))).toBe("bad_lat");
  });

  it.each([["0"], [180.5], [-181], [null], [undefined]])("rejects lon %j", (lon) => {
    expect(reasonOf(parse({ ...good, lon }))).toBe("bad_lon");
  });

  it("accepts the exact coordinate limits", () => {
    expect(reasonOf(parse({ ...good, lat: 90, lon: -180 }))).toBe("ok");
    expect(reasonOf(parse({ ...good, lat: -90, lon: 180 }))).toBe("ok");
  });

  it("rejects a non-finite JSON number (1e999 parses to Infinity)", () => {
    expect(reasonOf(parse('{"lat": 1e999, "lon": 0, "value": 1}'))).toBe("bad_lat");
    expect(reasonOf(parse('{"lat": 0, "lon": 0, "value": -1e999}'))).toBe("bad_value");
  });

  it.each([["3"], [null], [undefined], [{}]])("rejects value %j", (value) => {
    expect(reasonOf(parse({ ...good, value }))).toBe("bad_value");
  });

  it("names the field and the problem in detail", () => {
    const r = parse({ ...good, lat: 123 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).toMatch(/lat 123 is outside \[-90, 90\]/);
  });

  it("uses the record timestamp when time is absent", () => {
    const r = parse({ ...good, time: undefined });
    expect(r.ok && r.event.timeMs).toBe(ctx.timestampMs);
  });

  it("accepts epoch milliseconds and floors fractions", () => {
    const r = parse({ ...good, time: NOW - 1000.7 });
    expect(r.ok && r.event.timeMs).toBe(NOW - 1001);
  });

  it.each([
    ["2024-05-01T11:59:00Z", NOW - 60_000],
    ["2024-05-01T11:59Z", NOW - 60_000],
    ["2024-05-01T11:59:30.250Z", NOW - 29_750],
    ["2024-05-01T13:59:00+02:00", NOW - 60_000],
    ["2024-05-01T06:29:00-05:30", NOW - 60_000],
    ["2024-05-01T11:59:00.123456Z", NOW - 59_877],
  ])("accepts ISO time %s", (time, expected) => {
    const r = parse({ ...good, time });
    expect(r.ok && r.event.timeMs).toBe(expected);
  });

  it.each([
    ["2024-05-01"],
    ["2024-05-01T11:59:00"],
    ["2024-05-01 11:59:00Z"],
    ["2024-02-30T00:00:00Z"],
    ["2024-05-01T24:00:00Z"],
    ["yesterday"],
    [-5],
    [true],
    [null],
  ])("rejects time %j", (time) => {
    expect(reasonOf(parse({ ...good, time }))).toBe("bad_time");
  });

  it("rejects times outside the skew window but accepts its edges", () => {
    const past = NOW - DEFAULT_LIMITS.maxPastSkewMs;
    const future = NOW + DEFAULT_LIMITS.maxFutureSkewMs;
    expect(reasonOf(parse({ ...good, time: past }))).toBe("ok");
    expect(reasonOf(parse({ ...good, time: past - 1 }))).toBe("time_skew");
    expect(reasonOf(parse({ ...good, time: future }))).toBe("ok");
    expect(reasonOf(parse({ ...good, time: future + 1 }))).toBe("time_skew");
  });

  it("hints at epoch seconds and survives times outside the Date range", () => {
    const r = parse({ ...good, time: Math.floor(NOW / 1000) });
    expect(!r.ok && r.reason === "time_skew" && r.detail).toMatch(/seconds/);
    expect(reasonOf(parse({ ...good, time: 1e300 }))).toBe("time_skew");
  });

  it("ignores inherited properties and extra fields", () => {
    const r = parse({ ...good, extra: { nested: true } });
    expect(r.ok).toBe(true);
    expect(reasonOf(parse('{"__proto__": {"lat": 1}, "lon": 0, "value": 1}'))).toBe("bad_lat");
  });

  it("exposes every reason exactly once", () => {
    expect(new Set(DEAD_LETTER_REASONS).size).toBe(DEAD_LETTER_REASONS.length);
    expect(DEAD_LETTER_REASONS).toHaveLength(13);
  });
});

describe("parseIsoDateTime", () => {
  it("handles leap days and rejects impossible dates", () => {
    expect(parseIsoDateTime("2024-02-29T00:00:00Z")).toBe(Date.UTC(2024, 1, 29));
    expect(parseIsoDateTime("2023-02-29T00:00:00Z")).toBeNaN();
    expect(parseIsoDateTime("2024-13-01T00:00:00Z")).toBeNaN();
  });
});
