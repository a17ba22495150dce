import { describe, expect, it } from "vitest";
import {
  DEFAULT_FLAT_LAG_RULE,
  judgeFlatLag,
  slope,
  type LagSample,
} from "../../../bench/lib/flat-lag.js";

/** Lag sampled every 500 ms over `seconds`: `grow` events/s plus a sawtooth of `tooth` events. */
function phase(seconds: number, grow: number, tooth = 0, start = 0): LagSample[] {
  const out: LagSample[] = [];
  for (let tMs = 0; tMs <= seconds * 1000; tMs += 500) {
    const saw = tooth === 0 ? 0 : ((tMs / 500) % 4) * (tooth / 3);
    out.push({ tMs, lag: start + (grow * tMs) / 1000 + saw });
  }
  return out;
}

describe("slope", () => {
  it("fits a straight line and refuses a single x", () => {
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })))).toBeCloseTo(2, 12);
    expect(slope([{ x: 1, y: 1 }])).toBeNull();
    expect(
      slope([
        { x: 1, y: 1 },
        { x: 1, y: 3 },
      ]),
    ).toBeNull();
  });
});

describe("judgeFlatLag", () => {
  it("calls a sawtooth around a batch flat", () => {
    const v = judgeFlatLag(phase(20, 0, 300, 100), 1000, 0, 20_000);
    expect(v.flat).toBe(true);
    expect(v.reason).toBeNull();
    expect(Math.abs(v.slopePerSecond ?? Infinity)).toBeLessThan(30);
    expect(v.finalLagBound).toBe(2000);
  });

  it("calls a lag growing by 5% of the rate not flat, and names the growth", () => {
    const v = judgeFlatLag(phase(20, 50, 300), 1000, 0, 20_000);
    expect(v.flat).toBe(false);
    expect(v.slopeShare).toBeCloseTo(0.05, 2);
    expect(v.reason).toMatch(/^lag grew 5\d\.\d\/s \(5\.\d% of the rate; at most 30\.0\/s\)$/);
  });

  it("tolerates growth under the share", () => {
    expect(judgeFlatLag(phase(20, 20), 1000, 0, 20_000).flat).toBe(true);
  });

  it("tolerates a few events of growth at low rates, where a share of the rate is under a batch", () => {
    // 40 events/s: 3% is 1.2/s; 2.5/s over the judged 16 s is 40 events, under minGrowth (50).
    const low = judgeFlatLag(phase(20, 2.5), 40, 0, 20_000);
    expect(low.flat).toBe(true);
    expect(low.slopeBound).toBeCloseTo(50 / 16, 12);
    // 5/s is 80 events over the phase: a backlog building, even at this rate.
    expect(judgeFlatLag(phase(20, 5), 40, 0, 20_000).flat).toBe(false);
  });

  it("ignores the settling start: a lag that builds once, then holds, is flat", () => {
    const samples = phase(20, 0, 0, 800).map((s) =>
      s.tMs < 2000 ? { tMs: s.tMs, lag: (800 * s.tMs) / 2000 } : s,
    );
    expect(judgeFlatLag(samples, 1000, 0, 20_000).flat).toBe(true);
  });

  it("calls a flat but standing backlog not flat by its final lag", () => {
    const v = judgeFlatLag(phase(20, 0, 0, 5000), 1000, 0, 20_000);
    expect(v.flat).toBe(false);
    expect(v.finalLag).toBe(5000);
    expect(v.reason).toBe("final lag 5000 > 2000");
  });

  it("bounds the final lag by at least minFinalLag events at low rates", () => {
    const v = judgeFlatLag(phase(20, 0, 0, 150), 10, 0, 20_000);
    expect(v.finalLagBound).toBe(DEFAULT_FLAT_LAG_RULE.minFinalLag);
    expect(v.flat).toBe(true);
  });

  it("takes the median of the final share, so one sawtooth top does not decide", () => {
    const samples = phase(20, 0, 0, 100);
    samples[samples.length - 1] = { tMs: 20_000, lag: 9_000 };
    const v = judgeFlatLag(samples, 1000, 0, 20_000);
    expect(v.finalLag).toBe(100);
    expect(v.maxLag).toBe(9_000);
  });

  it("only judges samples inside the phase", () => {
    const before = [{ tMs: -1000, lag: 50_000 }];
    const after = [{ tMs: 21_000, lag: 50_000 }];
    expect(judgeFlatLag([...before, ...phase(20, 0), ...after], 500, 0, 20_000).flat).toBe(true);
  });

  it("is not flat with too few samples to judge", () => {
    const v = judgeFlatLag(
      [
        { tMs: 0, lag: 0 },
        { tMs: 19_000, lag: 0 },
      ],
      100,
      0,
      20_000,
    );
    expect(v.flat).toBe(false);
    expect(v.reason).toMatch(/too few lag samples/);
  });

  it("rejects a phase without a rate or a length", () => {
    expect(() => judgeFlatLag([], 0, 0, 1)).toThrow(RangeError);
    expect(() => judgeFlatLag([], 10, 5, 5)).toThrow(RangeError);
  });
});
