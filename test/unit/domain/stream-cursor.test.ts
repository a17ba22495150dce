import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as cursor from "../../../src/domain/query/stream-cursor.js";
import { sampleAlert } from "../../support/sample-alert.js";

describe("the alert stream's cursor", () => {
  it("round-trips any event id, line breaks and non-ASCII included, as text safe in an SSE id", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_102_444_799_999 }),
        fc.string({ unit: "binary", minLength: 1, maxLength: 256 }),
        (detectedMs, eventId) => {
          const text = cursor.encodeCursor({ detectedMs, eventId });
          expect(text).not.toMatch(/[\r\n\0:\s]/);
          expect(cursor.decodeCursor(text)).toEqual({ key: { detectedMs, eventId } });
        },
      ),
    );
  });

  it.each([
    ["", /must be an id this stream sent/],
    ["12345", /must be an id this stream sent/],
    ["abc.ZXZ0", /must be an id this stream sent/],
    ["1700000000000.not base64", /must be an id this stream sent/],
    ["1700000000000.ZXZ0x", /not base64url of an id/],
    [`1.${"A".repeat(2000)}`, /got 2002 characters/],
  ])("refuses %j, saying what a cursor is", (text, message) => {
    const decoded = cursor.decodeCursor(text);
    expect("error" in decoded && decoded.error).toMatch(message);
  });

  it("orders by detection time, then event id", () => {
    expect(
      cursor.compareKeys({ detectedMs: 1, eventId: "b" }, { detectedMs: 2, eventId: "a" }),
    ).toBeLessThan(0);
    expect(
      cursor.compareKeys({ detectedMs: 2, eventId: "a" }, { detectedMs: 2, eventId: "b" }),
    ).toBeLessThan(0);
    expect(
      cursor.compareKeys({ detectedMs: 2, eventId: "a" }, { detectedMs: 2, eventId: "a" }),
    ).toBe(0);
  });

  it("keeps the alerts strictly after the cursor, in stream order", () => {
    const t = Date.UTC(2026, 11, 1);
    const alerts = [
      sampleAlert("late-event", 1, 1, t - 60_000, 60_300), // detected at t + 300
      sampleAlert("c", 1, 1, t, 200),
      sampleAlert("b", 1, 1, t, 100),
      sampleAlert("a", 1, 1, t, 100),
    ];
    const after = cursor.alertsAfter(alerts, { detectedMs: t + 100, eventId: "a" });
    expect(after.map((a) => a.alert.event.id)).toEqual(["b", "c", "late-event"]);
  });
});
