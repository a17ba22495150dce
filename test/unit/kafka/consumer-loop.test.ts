import type { Consumer, EachBatchPayload, KafkaMessage } from "kafkajs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConsumerLoop } from "../../../src/kafka/consumer-loop.js";
import type { UndecodableRange } from "../../../src/kafka/dead-letter-message.js";
import {
  placeholderRecords,
  type UndecodableBatch,
} from "../../../src/kafka/placeholder-records.js";
import type { BatchHandler, PipelineMetrics } from "../../../src/pipeline/ports.js";
import { loopOptions, noMetrics, quietLogger } from "../../support/consumer-loop.js";

const metrics = noMetrics;
const logger = quietLogger;

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
      deadLetters: { sendUndecodable: () => Promise.resolve() },
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

describe("the consumer loop's undecodable batches", () => {
  const undecodable: UndecodableBatch = {
    codec: "snappy",
    detail: "snappy batch could not be decoded: Invalid Snappy bitstream (3 records)",
    records: 3,
    compressedBytes: 120,
    sample: Buffer.alloc(120),
  };
  const placeholderKeys = placeholderRecords(3, 2, undecodable);

  function message(offset: number, placeholder = false): KafkaMessage {
    const key = placeholder ? placeholderKeys.subarray(0, 1) : Buffer.from("k");
    return { offset: String(offset), key, value: Buffer.from("{}"), headers: {} } as KafkaMessage;
  }

  /** A payload of offsets 0-1, the placeholders of one batch at 2-4, then 5; logs what it is told. */
  function payload(log: string[]): EachBatchPayload {
    const messages = [0, 1].map((o) => message(o));
    messages.push(...[2, 3, 4].map((o) => message(o, true)), message(5));
    return {
      batch: { topic: "events", partition: 0, messages },
      pause: () => {
        log.push("pause");
        return () => undefined;
      },
      heartbeat: () => Promise.resolve(),
      isRunning: () => true,
      isStale: () => false,
      resolveOffset: (o: string) => log.push(`resolve ${o}`),
      commitOffsetsIfNecessary: (c: { topics: { partitions: { offset: string }[] }[] }) => {
        log.push(`commit ${c.topics[0]?.partitions[0]?.offset}`);
        return Promise.resolve();
      },
    } as unknown as EachBatchPayload;
  }

  /** A handler that commits every record it is given, logging them. */
  const handler =
    (log: string[]): BatchHandler =>
    async (records, control) => {
      log.push(`handle ${records.map((r) => r.offset).join(",")}`);
      const last = records[records.length - 1];
      if (last !== undefined) await control.commit(last.offset, []);
      return { doneThrough: last?.offset };
    };

  async function run(send: (r: UndecodableRange) => Promise<void>, log: string[]) {
    const { consumer, batch } = fakeConsumer();
    const counted: string[] = [];
    const loop = new ConsumerLoop({
      consumer,
      topic: "events",
      handler: handler(log),
      deadLetters: { sendUndecodable: send },
      metrics: new Proxy(
        {},
        {
          get: (_, name) =>
            name === "deadLettered" ? (r: string) => counted.push(r) : () => undefined,
        },
      ) as PipelineMetrics,
      logger,
      partitionsConcurrently: 1,
      probe: () => Promise.resolve(),
      retry: { initialMs: 1, maxMs: 2, attempts: 2 },
    });
    await loop.start();
    await batch()(payload(log));
    await loop.stop();
    return counted;
  }

  it("dead-letters the range once, commits past it only after the dead letter is acknowledged, and goes on", async () => {
    const log: string[] = [];
    const counted = await run(async (range) => {
      log.push(`dead letter ${range.firstOffset}-${range.lastOffset} ${range.batch.codec}`);
      await Promise.resolve();
    }, log);
    expect(log).toEqual([
      "handle 0,1",
      "resolve 0",
      "resolve 1",
      "commit 2",
      "dead letter 2-4 snappy",
      "resolve 4",
      "commit 5",
      "handle 5",
      "resolve 5",
      "commit 6",
    ]);
    expect(counted).toEqual(["undecodable_batch"]);
  });

  it("pauses at the range, committing nothing past it, when the dead letter cannot be sent", async () => {
    const log: string[] = [];
    let attempts = 0;
    const counted = await run(() => {
      attempts += 1;
      return Promise.reject(new Error("broker unreachable"));
    }, log);
    expect(attempts).toBe(3); // the first try and two retries
    expect(log).toEqual(["handle 0,1", "resolve 0", "resolve 1", "commit 2", "pause"]);
    expect(counted).toEqual([]);
  });
});

describe("the consumer loop's heartbeats while a batch is worked on", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps the member in its group through a slice longer than the session, and stops on a rebalance", async () => {
    vi.useFakeTimers();
    const { consumer, batch } = fakeConsumer();
    const beats: number[] = [];
    let rebalancing = false;
    const seenActive: boolean[] = [];
    const loop = new ConsumerLoop(
      loopOptions(consumer, {
        // One slice of 25 s: a cold store on a busy machine, longer than a 10 s session.
        handler: async (_records, control) => {
          await new Promise((r) => setTimeout(r, 12_000));
          seenActive.push(control.isActive());
          rebalancing = true;
          await new Promise((r) => setTimeout(r, 13_000));
          seenActive.push(control.isActive());
          return { doneThrough: undefined };
        },
      }),
    );
    await loop.start();
    const payload = {
      ...failingBatch(),
      heartbeat: () => {
        beats.push(Date.now());
        return rebalancing
          ? Promise.reject(new Error("The group is rebalancing, so a rejoin is needed"))
          : Promise.resolve();
      },
    };
    const done = batch()(payload);
    const outcome = done.then(
      () => "returned",
      (e: unknown) => (e as Error).message,
    );
    await vi.advanceTimersByTimeAsync(25_000);
    // Heartbeats every second while the slice ran (kafkajs sends one per heartbeat interval).
    expect(beats.length).toBeGreaterThanOrEqual(20);
    // The rebalance a heartbeat reported makes the work inactive and reaches kafkajs.
    expect(seenActive).toEqual([true, false]);
    expect(await outcome).toBe("The group is rebalancing, so a rejoin is needed");
    const after = beats.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(beats.length).toBe(after); // no heartbeat timer left behind
  });
});

describe("the consumer loop when the group's coordinator cannot be reached", () => {
  /** kafkajs's error for a refused connection to the coordinator. */
  function refused(): Error {
    const e = new Error("Connection error: connect ECONNREFUSED 127.0.0.3:9092");
    e.name = "KafkaJSConnectionError";
    return e;
  }

  async function batchWith(
    payload: Partial<EachBatchPayload>,
    handler: BatchHandler,
  ): Promise<{ outcome: unknown; paused: number }> {
    const { consumer, batch } = fakeConsumer();
    let paused = 0;
    const loop = new ConsumerLoop(
      loopOptions(consumer, { handler, retry: { initialMs: 1, maxMs: 2, attempts: 2 } }),
    );
    await loop.start();
    const outcome = await batch()({
      ...failingBatch(),
      pause: () => {
        paused += 1;
        return () => undefined;
      },
      ...payload,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await loop.stop();
    return { outcome, paused };
  }

  const commitAll: BatchHandler = async (records, control) => {
    const last = records.at(-1);
    try {
      if (last !== undefined) await control.commit(last.offset, []);
    } catch (error) {
      return { doneThrough: undefined, failed: { offset: records[0]?.offset ?? "0", error } };
    }
    return { doneThrough: last?.offset };
  };

  it("ends the batch with a 'not coordinator' error (kafkajs rejoins) when a commit is refused, pausing nothing", async () => {
    const { outcome, paused } = await batchWith(
      { commitOffsetsIfNecessary: () => Promise.reject(refused()) },
      commitAll,
    );
    expect(outcome).toMatchObject({ type: "NOT_COORDINATOR_FOR_GROUP", code: 16, retriable: true });
    expect((outcome as Error).message).toMatch(/coordinator unreachable .*ECONNREFUSED/);
    expect(paused).toBe(0);
  });

  it("does the same when a heartbeat is refused", async () => {
    const { outcome } = await batchWith(
      { heartbeat: () => Promise.reject(refused()) },
      async (_records, control) => {
        await control.heartbeat();
        return { doneThrough: undefined };
      },
    );
    expect(outcome).toMatchObject({ type: "NOT_COORDINATOR_FOR_GROUP" });
  });

  it("still pauses on a commit that failed otherwise (a timeout of a busy coordinator)", async () => {
    const timeout = new Error("Request OffsetCommit timed out");
    timeout.name = "KafkaJSRequestTimeoutError";
    const { outcome, paused } = await batchWith(
      { commitOffsetsIfNecessary: () => Promise.reject(timeout) },
      commitAll,
    );
    expect(outcome).toBeUndefined();
    expect(paused).toBe(1);
  });
});
