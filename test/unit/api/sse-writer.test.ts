import { describe, expect, it } from "vitest";
import { sseComment, sseFrame } from "../../../src/api/sse-writer.js";

describe("SSE frames", () => {
  it("writes id, event and one data line per line of the data, ended by a blank line", () => {
    expect(sseFrame({ id: "17.YQ", event: "alert", data: '{"a":1}' })).toBe(
      'id: 17.YQ\nevent: alert\ndata: {"a":1}\n\n',
    );
    expect(sseFrame({ data: "one\ntwo\r\nthree" })).toBe("data: one\ndata: two\ndata: three\n\n");
  });

  it("refuses an id or type that would break the framing", () => {
    expect(() => sseFrame({ id: "a\nb", data: "x" })).toThrow(/line break/);
    expect(() => sseFrame({ event: "a\rb", data: "x" })).toThrow(/line break/);
  });

  it("writes heartbeats as comment lines", () => {
    expect(sseComment()).toBe(":\n\n");
    expect(sseComment("a\nb")).toBe(":a b\n\n");
  });
});
