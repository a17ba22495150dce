import type { Consumer, EachBatchPayload } from "kafkajs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConsumerLoop } from "../../../src/kafka/consumer-loop.js";
import type { PipelineMetrics } from "../../../src/pipeline/ports.js";

/** Every metric a no-op: this test is about timers, not counts. */
const metrics = new Proxy({}, { get: () => () => undefined }) as PipelineMetrics;
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A consumer port that hands the loop's eachBatch to the test. */
type EachBatch = (payload: EachBatchPayload) => Promise<void>;

function fakeConsumer(): { consumer: Consumer; batch: () => EachBatch } {
  let eachBatch: EachBatch | undefined;
  const consumer = {
    subscribe: () => Promise.resolve(),
    run: (cfg: { eachBatch: EachBatch }) => {
      eachBatch = cfg.eachBatch;
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
  } as unknown as Consumer;
  return {
    consumer,
    batch: () => {
      if (eachBatch === undefined) throw new Error("not running");
      return eachBatch;
    },
  };
}

function failingBatch(): EachBatchPayload {
  return {
    batch: {
      topic: "events",
      partition: 0,
      messages: [{ offset: "7", timestamp: "0", key: null, value: Buffer.from("{}"), headers: {} }],
    },
    pause: () => () => undefined,
    heartbeat: () => Promise.resolve(),
    isRunning: () => true,
    isStale: () => false,
    resolveOffset: () => undefined,
    commitOffsetsIfNecessary: () => Promise.resolve(),
  } as unknown as EachBatchPayload;
}

describe("the consumer loop's pause and probe", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("leaves no timer behind when a probe fails while the loop stops", async () => {
    vi.useFakeTimers();
    const { consumer, batch } = fakeConsumer();
    let rejectProbe: (e: Error) => void = () => undefined;
    const probes: number[] = [];
    const loop = new ConsumerLoop({
      consumer,
      topic: "events",
      handler: () =>
        Promise.resolve({
          doneThrough: undefined,
          failed: { offset: "7", error: new Error("store down") },
        }),
      metrics,
      logger,
      partitionsConcurrently: 1,
      probe: () => {
        probes.push(Date.now());
        return new Promise<void>((_, reject) => {
          rejectProbe = reject;
        });
      },
      retry: { initialMs: 100, maxMs: 1000, attempts: 3 },
    });
    await loop.start();
    await batch()(failingBatch());
    expect(vi.getTimerCount()).toBe(1); // the partition paused; a resume probe is scheduled
    await vi.advanceTimersByTimeAsync(2000);
    expect(probes).toHaveLength(1); // the probe runs and hangs on a store that does not answer
    await loop.stop();
    rejectProbe(new Error("client shut down"));
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
