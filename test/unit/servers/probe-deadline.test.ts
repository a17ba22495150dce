import { describe, expect, it } from "vitest";
import { probeWithin } from "../../../src/servers/probe-deadline.js";

describe("probeWithin", () => {
  it("gives the probe's answer and closes its client", async () => {
    let closed = 0;
    const answer = await probeWithin(
      () => Promise.resolve(true),
      () => Promise.resolve((closed += 1)),
      1000,
    );
    expect(answer).toBe(true);
    expect(closed).toBe(1);
  });

  it("counts a probe that never answers as not answering, within its time, and closes it", async () => {
    let closed = 0;
    const t0 = Date.now();
    const answer = await probeWithin(
      () => new Promise<boolean>(() => undefined),
      () => Promise.resolve((closed += 1)),
      50,
    );
    expect(answer).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(closed).toBe(1);
  });

  it("is not held by a close that never ends or fails", async () => {
    await expect(
      probeWithin(
        () => Promise.resolve(false),
        () => new Promise(() => undefined),
        1000,
      ),
    ).resolves.toBe(false);
    await expect(
      probeWithin(
        () => Promise.resolve(true),
        () => Promise.reject(new Error("closing failed")),
        1000,
      ),
    ).resolves.toBe(true);
  });
});
