import { describe, expect, it } from "vitest";
import { DetectorHealth } from "../../../src/app/health.js";
import { orderedShutdown } from "../../../src/app/shutdown.js";

describe("the detector's health", () => {
  it("is ready only once Cassandra, the topics and the group are done, and not while stopping", () => {
    const health = new DetectorHealth();
    expect(health.report()).toMatchObject({ live: true, ready: false });
    health.cassandra = true;
    health.topics = true;
    expect(health.report().ready).toBe(false);
    health.joined = true;
    expect(health.report()).toEqual({
      live: true,
      ready: true,
      details: { cassandra: true, topics: true, joinedGroup: true, stopping: false },
    });
    health.stopping = true;
    expect(health.report()).toMatchObject({ live: true, ready: false });
  });

  it("is neither live nor ready after a crash kafkajs will not restart", () => {
    const health = new DetectorHealth();
    health.cassandra = health.topics = health.joined = true;
    health.crashed = new Error("group coordinator gone");
    expect(health.report()).toMatchObject({ live: false, ready: false });
  });
});

describe("the staged shutdown", () => {
  const quiet = { debug: () => undefined };

  it("runs its steps once, in order, between the first and last hooks, naming the current step", async () => {
    const ran: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const shutdown = orderedShutdown(
      quiet,
      [
        { name: "consumer", run: () => (ran.push("consumer"), held) },
        { name: "producer", run: () => (ran.push("producer"), Promise.resolve()) },
      ],
      { first: () => ran.push("first"), last: () => ran.push("last") },
    );
    expect(shutdown.step()).toBe("");
    const one = shutdown.stop();
    const two = shutdown.stop();
    await Promise.resolve();
    expect(shutdown.step()).toBe("consumer");
    release();
    await Promise.all([one, two]);
    expect(ran).toEqual(["first", "consumer", "producer", "last"]);
    expect(shutdown.step()).toBe("stopped");
  });

  it("stops at a step that fails without catching its own failure", async () => {
    const ran: string[] = [];
    const failure = new Error("close failed");
    const shutdown = orderedShutdown(
      quiet,
      [
        { name: "http", run: () => Promise.reject(failure) },
        { name: "after", run: () => (ran.push("after"), Promise.resolve()) },
      ],
      { last: () => ran.push("last") },
    );
    await expect(shutdown.stop()).rejects.toBe(failure);
    expect(ran).toEqual([]);
    expect(shutdown.step()).toBe("http");
  });
});
