import { describe, expect, it } from "vitest";
import { retryDecision } from "../../../src/pipeline/failure-policy.js";
import { withRetry } from "../../../src/pipeline/retry.js";
import { GeoAnomalyError } from "../../../src/errors.js";

describe("retryDecision", () => {
  const opts = { initialMs: 100, maxMs: 1000, attempts: 5 };
  it("backs off exponentially with jitter between half and all of the ceiling, capped", () => {
    expect(retryDecision(0, opts, () => 0)).toEqual({ retry: true, delayMs: 50 });
    expect(retryDecision(0, opts, () => 1)).toEqual({ retry: true, delayMs: 100 });
    expect(retryDecision(3, opts, () => 1)).toEqual({ retry: true, delayMs: 800 });
    expect(retryDecision(4, opts, () => 1)).toEqual({ retry: true, delayMs: 1000 });
  });
  it("gives up after the configured retries", () => {
    expect(retryDecision(5, opts)).toEqual({ retry: false });
    expect(retryDecision(0, { ...opts, attempts: 0 })).toEqual({ retry: false });
  });
});

describe("withRetry", () => {
  it("retries a transient failure and returns the eventual result", async () => {
    let calls = 0;
    const seen: number[] = [];
    const result = await withRetry(
      () => (++calls < 3 ? Promise.reject(new Error("flaky")) : Promise.resolve("ok")),
      { initialMs: 1, maxMs: 2, attempts: 5 },
      (_e, attempt) => seen.push(attempt),
    );
    expect(result).toBe("ok");
    expect(seen).toEqual([0, 1]);
  });
  it("rethrows once retries are exhausted or the caller is no longer active", async () => {
    await expect(
      withRetry(
        () => Promise.reject(new Error("down")),
        { initialMs: 1, maxMs: 1, attempts: 2 },
        () => undefined,
      ),
    ).rejects.toThrow("down");
    let calls = 0;
    await expect(
      withRetry(
        () => (calls++, Promise.reject(new Error("stop"))),
        { initialMs: 1, maxMs: 1, attempts: 9 },
        () => undefined,
        () => false,
      ),
    ).rejects.toMatchObject({ code: "SHUTDOWN", cause: new Error("stop") });
    expect(calls).toBe(1);
  });

  it("does not retry what the failure policy says to pause on or dead-letter", async () => {
    for (const error of [
      new GeoAnomalyError("STORE_WRITE_FAILED", "table events_l5 does not exist"),
      new GeoAnomalyError("EVENT_REJECTED", "cannot encode"),
    ]) {
      let calls = 0;
      await expect(
        withRetry(
          () => (calls++, Promise.reject(error)),
          { initialMs: 1, maxMs: 1, attempts: 9 },
          () => undefined,
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });
});
