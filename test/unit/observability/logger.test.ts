import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { GeoAnomalyError } from "../../../src/errors.js";
import { componentLogger, createLogger } from "../../../src/observability/logger.js";

/** Collects the JSON lines a logger writes. */
function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, stream };
}

describe("createLogger", () => {
  it("writes JSON with service, pid, ISO time and the component of a child", () => {
    const { lines, stream } = capture();
    const root = createLogger({ level: "info", name: "test", destination: stream });
    componentLogger(root, "consumer").info({ partition: 3 }, "started");
    expect(lines).toHaveLength(1);
    const line = lines[0];
    expect(line).toMatchObject({
      service: "geoanomaly",
      pid: process.pid,
      name: "test",
      component: "consumer",
      partition: 3,
      msg: "started",
    });
    expect(typeof line?.time).toBe("string");
    expect(new Date(line?.time as string).toISOString()).toBe(line?.time);
  });

  it("respects the level", () => {
    const { lines, stream } = capture();
    const root = createLogger({ level: "warn", destination: stream });
    root.info("hidden");
    root.warn("shown");
    expect(lines.map((l) => l.msg)).toEqual(["shown"]);
  });

  it("serializes errors with code and cause", () => {
    const { lines, stream } = capture();
    const root = createLogger({ level: "info", destination: stream });
    const driver = Object.assign(new Error("connection reset"), { code: "ECONNRESET" });
    const err = new GeoAnomalyError("STORE_WRITE_FAILED", "write failed", { cause: driver });
    root.error({ err }, "store down");
    root.error({ err: new Error("outer", { cause: "plain reason" }) }, "plain cause");
    const first = lines[0]?.err as Record<string, unknown>;
    expect(first).toMatchObject({
      type: "GeoAnomalyError",
      message: "write failed",
      code: "STORE_WRITE_FAILED",
      cause: { message: "connection reset", code: "ECONNRESET" },
    });
    expect(typeof first.stack).toBe("string");
    expect((lines[1]?.err as Record<string, unknown>).cause).toBe("plain reason");
  });
});
