import { describe, expect, it } from "vitest";
import { parseBenchOptions } from "../../../bench/lib/bench-options.js";

describe("the bench's trace sample rate", () => {
  it("traces every check unless told otherwise, so every missed anomaly has a verdict", async () => {
    const o = await parseBenchOptions(["node", "bench", "--quick", "--out", "x"]);
    expect(o.traceSampleRate).toBe(1);
    expect(o.recallSampleShare).toBe(0.05);
    const sampled = await parseBenchOptions(["node", "bench", "--trace-sample-rate", "0.05"]);
    expect(sampled.traceSampleRate).toBe(0.05);
  });
});
