import { setTimeout as sleep } from "node:timers/promises";
import { Kafka, type Consumer } from "kafkajs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConsumerLoop } from "../../../src/kafka/consumer-loop.js";
import {
  crashReason,
  isRetriableCrash,
  productOwnedRestarts,
  recordRetriableCrash,
} from "../../../src/kafka/consumer-restarts.js";
import { loopOptions } from "../../support/consumer-loop.js";
const DELAY_MS = 2_000;

type CrashListener = (e: { payload: { error: Error; restart: boolean } }) => void;

/**
 * A consumer port that logs each call in order; `connect` answers what `state.connect` gives, and `crashOnRun` makes the next run() crash the way kafkajs's does (its crash
 * handler runs inside run(), which then resolves).
 */
function fakeConsumer() {
  const calls: string[] = [];
  const listeners: CrashListener[] = [];
  const state = {
    connect: (): Promise<void> => Promise.resolve(),
    crashOnRun: undefined as Error | undefined,
  };
  const crash = (error: Error): void => {
    for (const l of listeners) l({ payload: { error, restart: false } });
  };
  const consumer = {
    events: { CRASH: "consumer.crash" },
    on: (_event: string, listener: CrashListener) => listeners.push(listener),
    subscribe: () => Promise.resolve(),
    connect: async () => {
      calls.push("connect");
      await state.connect();
    },
    run: () => {
      calls.push("run");
      const error = state.crashOnRun;
      state.crashOnRun = undefined;
      if (error !== undefined) crash(error);
      return Promise.resolve();
    },
    stop: () => {
      calls.push("stop");
      return Promise.resolve();
    },
    disconnect: () => {
      calls.push("disconnect");
      return Promise.resolve();
    },
  } as unknown as Consumer;
  return { consumer, calls, state, crash };
}

/** A crash kafkajs deems retriable: it asked restartOnFailure about it before its CRASH event. */
async function retriable(message = "Broker 3 not found in the cached metadata"): Promise<Error> {
  const cause = Object.assign(new Error(message), { name: "KafkaJSBrokerNotFound" });
  const error = Object.assign(new Error(message, { cause }), {
    name: "KafkaJSNumberOfRetriesExceeded",
  });
  expect(await recordRetriableCrash(error)).toBe(false); // kafkajs must not restart it itself
  return error;
}

async function runningLoop() {
  const fake = fakeConsumer();
  const restarted: string[] = [];
  const fatal: Error[] = [];
  const loop = new ConsumerLoop(loopOptions(fake.consumer, { restartDelayMs: DELAY_MS }));
  loop.watchCrashes({ restarted: (r) => restarted.push(r), fatal: (e) => fatal.push(e) });
  await loop.start();
  return { ...fake, loop, restarted, fatal };
}

describe("the consumer loop's restarts after a crash", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("restarts the consumer once, after the delay, on a retriable crash", async () => {
    vi.useFakeTimers();
    const t = await runningLoop();
    t.crash(await retriable());
    await vi.advanceTimersByTimeAsync(DELAY_MS - 1);
    expect(t.calls).toEqual(["run"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.calls).toEqual(["run", "connect", "run"]);
    expect(t.restarted).toEqual(["KafkaJSBrokerNotFound"]);
    await vi.advanceTimersByTimeAsync(10 * DELAY_MS);
    expect(t.calls).toEqual(["run", "connect", "run"]);
    expect(t.fatal).toEqual([]);
    await t.loop.stop();
    expect(t.calls).toEqual(["run", "connect", "run", "stop", "disconnect"]);
  });

  it("starts nothing when it stops during the delay", async () => {
    vi.useFakeTimers();
    const t = await runningLoop();
    t.crash(await retriable());
    await vi.advanceTimersByTimeAsync(DELAY_MS / 2);
    await t.loop.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * DELAY_MS);
    expect(t.calls).toEqual(["run", "stop", "disconnect"]);
    expect(t.restarted).toEqual([]);
  });

  it("waits for a restart in progress, then stops", async () => {
    vi.useFakeTimers();
    const t = await runningLoop();
    let connected: () => void = () => undefined;
    const connecting = new Promise<void>((resolve) => (connected = resolve));
    t.state.connect = () => connecting;
    t.crash(await retriable());
    await vi.advanceTimersByTimeAsync(DELAY_MS);
    expect(t.calls).toEqual(["run", "connect"]); // the restart waits on its connect
    let stopped = false;
    const stopping = t.loop.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(10 * DELAY_MS);
    expect(stopped).toBe(false);
    expect(t.calls).toEqual(["run", "connect"]); // nothing stopped under the restart
    connected();
    await stopping;
    expect(t.calls).toEqual(["run", "connect", "run", "stop", "disconnect"]);
  });

  it("does not restart after a crash kafkajs deems not retriable, and reports it", async () => {
    vi.useFakeTimers();
    const t = await runningLoop();
    const error = new Error("not authorized to access group");
    t.crash(error);
    await vi.advanceTimersByTimeAsync(10 * DELAY_MS);
    expect(t.fatal).toEqual([error]);
    expect(t.restarted).toEqual([]);
    expect(t.calls).toEqual(["run"]);
  });

  it("restarts again when the restarted consumer crashes as it starts", async () => {
    vi.useFakeTimers();
    const t = await runningLoop();
    t.state.crashOnRun = await retriable("Connection refused");
    t.crash(await retriable());
    await vi.advanceTimersByTimeAsync(DELAY_MS);
    expect(t.calls).toEqual(["run", "connect", "run"]); // crashed inside run(): due again
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(DELAY_MS);
    expect(t.calls).toEqual(["run", "connect", "run", "connect", "run"]);
    expect(t.restarted).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("restarts again, after the delay, when the restart's connect fails", async () => {
    vi.useFakeTimers();
    const t = await runningLoop();
    t.state.connect = () =>
      Promise.reject(
        Object.assign(new Error("Connection error"), { name: "KafkaJSConnectionError" }),
      );
    t.crash(await retriable());
    await vi.advanceTimersByTimeAsync(DELAY_MS);
    t.state.connect = () => Promise.resolve();
    expect(t.calls).toEqual(["run", "connect"]);
    await vi.advanceTimersByTimeAsync(DELAY_MS);
    expect(t.calls).toEqual(["run", "connect", "connect", "run"]);
    expect(t.restarted).toEqual(["KafkaJSBrokerNotFound", "KafkaJSConnectionError"]);
  });
});

describe("what a crash is", () => {
  it("is retriable only once kafkajs asked restartOnFailure about that very error", async () => {
    const asked = await retriable();
    expect(isRetriableCrash(asked)).toBe(true);
    expect(isRetriableCrash(new Error(asked.message))).toBe(false);
    expect(isRetriableCrash(undefined)).toBe(false);
  });

  it("is named by its innermost cause: a protocol error's type, else the error's name", () => {
    const protocol = Object.assign(new Error("not coordinator"), {
      name: "KafkaJSProtocolError",
      type: "NOT_COORDINATOR",
    });
    expect(crashReason(new Error("retries exceeded", { cause: protocol }))).toBe("NOT_COORDINATOR");
    expect(crashReason(Object.assign(new Error("x"), { name: "KafkaJSConnectionError" }))).toBe(
      "KafkaJSConnectionError",
    );
    expect(crashReason("a string")).toBe("unknown");
  });
});

describe("kafkajs 2.2.4's consumer with product-owned restarts (no broker answers)", () => {
  it("reports a retriable crash as not restarted, asked about it first, and starts nothing more", async () => {
    const starts: string[] = [];
    const kafka = new Kafka({
      brokers: ["127.0.0.1:1"], // refused at once: the consumer crashes while it starts
      connectionTimeout: 200,
      retry: { retries: 1, initialRetryTime: 50 },
      logCreator: () => (e) => {
        if (e.namespace === "Consumer" && e.log.message === "Starting") starts.push(e.label);
      },
    });
    const consumer = kafka.consumer({
      groupId: "restarts",
      retry: productOwnedRestarts({ retries: 1, initialRetryTime: 50 }),
    });
    const crashes: { retriable: boolean; restart: boolean }[] = [];
    consumer.on(consumer.events.CRASH, (e) =>
      crashes.push({ retriable: isRetriableCrash(e.payload.error), restart: e.payload.restart }),
    );
    await consumer.run({ eachBatch: () => Promise.resolve() }); // its crash handler ran inside
    expect(crashes).toEqual([{ retriable: true, restart: false }]);
    await sleep(500); // ten times kafkajs's own restart delay
    expect(starts).toHaveLength(1);
    await consumer.disconnect();
  });
});
