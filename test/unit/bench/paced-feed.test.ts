import { describe, expect, it } from "vitest";
import { pacedFeed, type PacedMessage } from "../../../bench/lib/paced-feed.js";

/** Virtual time: sleeping advances it and settles the sends whose acknowledgement is due. */
class Clock {
  t = 0;
  private readonly due: { at: number; resolve: () => void }[] = [];
  now = (): number => this.t;
  sleep = async (ms: number): Promise<void> => {
    this.t += ms;
    for (const d of this.due.filter((x) => x.at <= this.t)) d.resolve();
    this.due.splice(0, this.due.length, ...this.due.filter((x) => x.at > this.t));
    // Let the settled sends' callbacks run before the feed looks again.
    await new Promise((r) => setImmediate(r));
  };
  ackAfter(ms: number): Promise<void> {
    return new Promise((resolve) => this.due.push({ at: this.t + ms, resolve }));
  }
}

const message = (): PacedMessage => ({ key: "k", value: Buffer.from("v") });

describe("pacedFeed", () => {
  it("keeps the rate while acknowledgements are slow: open loop, several batches in flight", async () => {
    const clock = new Clock();
    let most = 0;
    let open = 0;
    const r = await pacedFeed({
      rate: 1000,
      durationMs: 2000,
      next: message,
      send: async () => {
        most = Math.max(most, ++open);
        await clock.ackAfter(150); // each batch takes 150 ms to be acknowledged
        open--;
      },
      now: clock.now,
      sleep: clock.sleep,
    });
    expect(r.scheduled).toBe(2000);
    expect(r.acknowledged).toBe(2000);
    expect(most).toBeGreaterThan(1);
    // Batches grow while the cap is reached, so the schedule is kept within one acknowledgement.
    expect(r.maxBehind).toBeLessThan(150);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(2000);
    expect(r.elapsedMs).toBeLessThan(2200);
  });

  it("falls short only when the in-flight cap holds batches back, and says by how much", async () => {
    const clock = new Clock();
    const r = await pacedFeed({
      rate: 1000,
      durationMs: 1000,
      maxInFlight: 1,
      maxBatch: 10,
      next: message,
      send: () => clock.ackAfter(100), // one batch of at most 10 per 100 ms: 100/s at most
      now: clock.now,
      sleep: clock.sleep,
    });
    expect(r.scheduled).toBeLessThanOrEqual(110);
    expect(r.maxBehind).toBeGreaterThan(500);
  });

  it("rejects with the send's error once its batches settle", async () => {
    const clock = new Clock();
    await expect(
      pacedFeed({
        rate: 100,
        durationMs: 1000,
        next: message,
        send: () => Promise.reject(new Error("broker gone")),
        now: clock.now,
        sleep: clock.sleep,
      }),
    ).rejects.toThrow("broker gone");
  });

  it("refuses a phase without a rate or a length", async () => {
    await expect(
      pacedFeed({ rate: 0, durationMs: 1, next: message, send: () => Promise.resolve() }),
    ).rejects.toThrow(RangeError);
  });
});
