import { describe, expect, it } from "vitest";
import { runFeed, type FeedMessage } from "../../../src/synthetic/feed.js";

function fakeSink(delayMs = 0): {
  batches: number[];
  send: (m: FeedMessage[]) => Promise<void>;
} {
  const batches: number[] = [];
  return {
    batches,
    send: async (m) => {
      batches.push(m.length);
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    },
  };
}

let seq = 0;
const next = (): FeedMessage => ({ key: "u4pr", value: Buffer.from(String((seq += 1))) });

describe("runFeed", () => {
  it("sends exactly count messages in batches no larger than batchSize", async () => {
    const sink = fakeSink();
    const result = await runFeed({ send: sink.send, next, count: 1234, batchSize: 100 });
    expect(result.sent).toBe(1234);
    expect(sink.batches.reduce((s, n) => s + n, 0)).toBe(1234);
    expect(Math.max(...sink.batches)).toBe(100);
  });

  it("holds roughly the requested rate", async () => {
    const sink = fakeSink();
    const progress: number[] = [];
    const result = await runFeed({
      send: sink.send,
      next,
      count: 60,
      rate: 50,
      onProgress: (sent) => progress.push(sent),
    });
    expect(result.sent).toBe(60);
    // 60 messages at 50/s take about 1.2 s; generous bounds for a loaded CI machine
    expect(result.elapsedMs).toBeGreaterThan(1000);
    expect(result.elapsedMs).toBeLessThan(2500);
    expect(Math.max(...sink.batches)).toBeLessThanOrEqual(5); // about 100 ms of traffic
    expect(progress.at(-1)).toBe(60);
  });

  it("stops promptly when aborted, even at a very low rate", async () => {
    const sink = fakeSink();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = performance.now();
    const result = await runFeed({ send: sink.send, next, rate: 2, signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(800);
    expect(result.sent).toBeGreaterThanOrEqual(1);
    expect(result.sent).toBeLessThanOrEqual(2);
  });

  it("without a rate, goes as fast as sends complete and runs until aborted", async () => {
    const sink = fakeSink(5);
    const controller = new AbortController();
    const running = runFeed({ send: sink.send, next, batchSize: 10, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    const result = await running;
    expect(result.sent).toBeGreaterThan(50);
    expect(result.sent % 10).toBe(0);
  });

  it("propagates a failed send", async () => {
    const send = (): Promise<void> => Promise.reject(new Error("broker down"));
    await expect(runFeed({ send, next, count: 5 })).rejects.toThrow("broker down");
  });

  it("rejects nonsense options", async () => {
    const sink = fakeSink();
    await expect(runFeed({ send: sink.send, next, rate: 0 })).rejects.toThrow(/rate/);
    await expect(runFeed({ send: sink.send, next, count: 1.5 })).rejects.toThrow(/count/);
  });
});
