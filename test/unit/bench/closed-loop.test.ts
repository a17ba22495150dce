import { describe, expect, it } from "vitest";
import { forEachConcurrently, runClosedLoop } from "../../../bench/lib/closed-loop.js";

/** A clock that only moves when an operation says so: counts are exact, nothing is timed. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe("runClosedLoop", () => {
  it("counts only completions of the timed phase, with their units and per-second bins", async () => {
    const clock = fakeClock();
    const r = await runClosedLoop(
      () => {
        clock.advance(100);
        return Promise.resolve(3);
      },
      { concurrency: 1, warmupMs: 1000, measureMs: 2000, now: clock.now },
    );
    // Completions at 100, 200, ... ; the timed phase holds 1000 .. 2900.
    expect(r.operations).toBe(20);
    expect(r.units).toBe(60);
    expect(r.operationsPerSecond).toBe(10);
    expect(r.unitsPerSecond).toBe(30);
    expect(r.perSecond).toEqual([10, 10]);
    expect(r.errors).toBe(0);
    expect(r.firstError).toBeNull();
  });

  it("counts failures apart from completions and keeps the first message", async () => {
    const clock = fakeClock();
    let calls = 0;
    const r = await runClosedLoop(
      () => {
        clock.advance(100);
        calls++;
        return calls % 4 === 3 ? Promise.reject(new Error(`timeout ${calls}`)) : Promise.resolve(1);
      },
      { concurrency: 1, warmupMs: 400, measureMs: 1200, now: clock.now, errorPauseMs: 0 },
    );
    // Calls 4..15 complete inside [400, 1600); calls 7, 11 and 15 fail, call 3 failed in warm-up.
    expect(r.warmupErrors).toBe(1);
    expect(r.errors).toBe(3);
    expect(r.operations).toBe(9);
    expect(r.firstError).toBe("timeout 3");
  });

  it("never has more operations in flight than its concurrency", async () => {
    let inFlight = 0;
    let most = 0;
    const r = await runClosedLoop(
      async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return 1;
      },
      { concurrency: 5, warmupMs: 0, measureMs: 30 },
    );
    expect(most).toBe(5);
    expect(r.operations).toBeGreaterThan(0);
    expect(r.perSecond).toEqual([]);
  });

  it("refuses a concurrency or phase that cannot run", async () => {
    const op = (): Promise<number> => Promise.resolve(1);
    await expect(runClosedLoop(op, { concurrency: 0, warmupMs: 0, measureMs: 10 })).rejects.toThrow(
      RangeError,
    );
    await expect(runClosedLoop(op, { concurrency: 1, warmupMs: 0, measureMs: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe("forEachConcurrently", () => {
  it("visits every item once with bounded concurrency", async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let most = 0;
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(n);
      inFlight--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });
});
