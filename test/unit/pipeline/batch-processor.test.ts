import { describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../../src/domain/alert.js";
import { DEFAULT_LIMITS, type GeoEvent } from "../../../src/domain/event.js";
import { GeoAnomalyError } from "../../../src/errors.js";
import { createMetrics } from "../../../src/observability/metrics.js";
import { createBatchHandler } from "../../../src/pipeline/batch-processor.js";
import type { CheckOutcome } from "../../../src/pipeline/detector.js";
import type { BatchControl, DeadLetter, InboundRecord } from "../../../src/pipeline/ports.js";

const NOW = Date.UTC(2026, 10, 21);
/** A control that records every commit (offset through which, and the event times). */
function recordingControl(active: () => boolean = () => true) {
  const commits: { through: string; times: readonly number[]; atMs: number }[] = [];
  const control: BatchControl = {
    heartbeat: () => Promise.resolve(),
    isActive: active,
    commit: (through, times) => {
      commits.push({ through, times, atMs: performance.now() });
      return Promise.resolve();
    },
  };
  return { control, commits };
}
const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };

function record(offset: number, value: unknown): InboundRecord {
  return {
    topic: "in",
    partition: 0,
    offset: String(offset),
    timestampMs: NOW,
    key: null,
    value:
      value === null
        ? null
        : Buffer.from(typeof value === "string" ? value : JSON.stringify(value)),
    headers: {},
  };
}

const ev = (id: string, value = 1): object => ({ id, lat: 1, lon: 2, value, time: NOW - 1000 });

function outcome(event: GeoEvent, anomalous: boolean): CheckOutcome {
  const alert = anomalous ? ({ event: { id: event.id } } as unknown as AnomalyAlert) : undefined;
  return {
    event,
    search: {
      neighbours: [],
      outcome: "bounded",
      stopLength: 4,
      coveredRadiusMeters: 25_000,
      maxDistanceMeters: 25_000,
      windowFromMs: 0,
      windowToMs: event.timeMs,
      windowCut: false,
      reads: 1,
      rowsRead: 0,
      partitionsRead: 8,
    },
    verdict: {
      kind: "insufficient",
      reason: "no_history",
      scorer: "robust",
      neighbourCount: 0,
      threshold: 4,
    },
    ...(alert === undefined ? {} : { alert }),
  };
}

function setup(
  check: (e: GeoEvent) => Promise<CheckOutcome>,
  opts: { publishFails?: number } = {},
) {
  const published: AnomalyAlert[] = [];
  const dead: DeadLetter[] = [];
  let publishFailures = opts.publishFails ?? 0;
  const handler = createBatchHandler({
    detector: { check },
    alerts: {
      publish: (a) => {
        if (publishFailures-- > 0) return Promise.reject(new Error("broker away"));
        published.push(...a);
        return Promise.resolve();
      },
    },
    deadLetters: { send: (l) => (dead.push(...l), Promise.resolve()) },
    metrics: createMetrics().pipeline,
    limits: DEFAULT_LIMITS,
    concurrency: 4,
    retry: { initialMs: 1, maxMs: 2, attempts: 2 },
    logger: silent,
    now: () => NOW,
  });
  return { handler, published, dead };
}

describe("batch handler", () => {
  it("dead-letters malformed records, checks the valid ones, and commits the whole batch", async () => {
    const { handler, published, dead } = setup((e) => Promise.resolve(outcome(e, e.value > 10)));
    const { control, commits } = recordingControl();
    const result = await handler(
      [record(10, ev("a")), record(11, "nope"), record(12, ev("b", 99)), record(13, null)],
      control,
    );
    expect(result).toEqual({ doneThrough: "13" });
    expect(commits.at(-1)?.through).toBe("13");
    expect(commits.flatMap((c) => c.times)).toEqual([NOW - 1000, NOW - 1000]);
    expect(dead.map((d) => [d.record.offset, d.reason])).toEqual([
      ["11", "not_json"],
      ["13", "empty"],
    ]);
    expect(published.map((a) => a.event.id)).toEqual(["b"]);
  });

  it("stops at the first event that fails for good: only the prefix before it is committed, and only its alerts go out", async () => {
    const { handler, published } = setup((e) =>
      e.id === "c" ? Promise.reject(new Error("store down")) : Promise.resolve(outcome(e, true)),
    );
    const { control, commits } = recordingControl();
    const records = [
      record(0, ev("a")),
      record(1, ev("b")),
      record(2, ev("c")),
      record(3, ev("d")),
      record(4, ev("e")),
    ];
    const result = await handler(records, control);
    expect(result.doneThrough).toBe("1");
    expect(commits.at(-1)?.through).toBe("1");
    expect(result.failed?.offset).toBe("2");
    expect(String(result.failed?.error)).toContain("store down");
    expect(published.map((a) => a.event.id)).toEqual(["a", "b"]);
  });

  it("commits nothing when the alerts cannot be published", async () => {
    const { handler } = setup((e) => Promise.resolve(outcome(e, true)), { publishFails: 10 });
    const { control, commits } = recordingControl();
    const result = await handler([record(5, ev("a")), record(6, ev("b"))], control);
    expect(result.doneThrough).toBeUndefined();
    expect(commits).toEqual([]);
    expect(result.failed?.offset).toBe("5");
  });

  it("commits the finished prefix of a large batch while a slow event is still running", async () => {
    let releaseSlow: () => void = () => undefined;
    const slow = new Promise<void>((r) => (releaseSlow = r));
    const { handler } = setup(async (e) => {
      if (e.id === "e60") await slow;
      return outcome(e, false);
    });
    const { control, commits } = recordingControl();
    const records = Array.from({ length: 100 }, (_, i) => record(i, ev(`e${i}`)));
    const done = handler(records, control);
    // Let everything but the slow event finish, then look at what was committed meanwhile.
    await new Promise((r) => setTimeout(r, 100));
    expect(commits.at(-1)?.through).toBe("59");
    releaseSlow();
    const result = await done;
    expect(result.doneThrough).toBe("99");
    expect(commits.at(-1)?.through).toBe("99");
    // Commits only move forward, and not once per record.
    const throughs = commits.map((c) => Number(c.through));
    expect(throughs).toEqual([...throughs].sort((a, b) => a - b));
    expect(commits.length).toBeLessThan(20);
  });

  it("lets a failed commit reach the consumer (it rejoins the group)", async () => {
    const { handler } = setup((e) => Promise.resolve(outcome(e, false)));
    const control: BatchControl = {
      heartbeat: () => Promise.resolve(),
      isActive: () => true,
      commit: () => Promise.reject(new Error("rebalance in progress")),
    };
    await expect(handler([record(0, ev("a"))], control)).rejects.toThrow("rebalance in progress");
  });

  it("dead-letters an event the store refuses and carries on with the rest", async () => {
    const { handler, dead } = setup((e) =>
      e.id === "b"
        ? Promise.reject(new GeoAnomalyError("EVENT_REJECTED", "cannot encode value"))
        : Promise.resolve(outcome(e, false)),
    );
    const { control } = recordingControl();
    const result = await handler(
      [record(0, ev("a")), record(1, ev("b")), record(2, ev("c"))],
      control,
    );
    expect(result).toEqual({ doneThrough: "2" });
    expect(dead.map((d) => [d.record.offset, d.reason])).toEqual([["1", "store_rejected"]]);
    expect(dead[0]?.detail).toContain("cannot encode value");
  });

  it("runs at most `concurrency` checks at once and starts no new work once inactive", async () => {
    let running = 0;
    let peak = 0;
    let started = 0;
    let active = true;
    const { handler } = setup(async (e) => {
      started++;
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (started >= 6) active = false;
      return outcome(e, false);
    });
    const records = Array.from({ length: 20 }, (_, i) => record(i, ev(`e${i}`)));
    const { control } = recordingControl(() => active);
    const result = await handler(records, control);
    expect(peak).toBeLessThanOrEqual(4);
    expect(started).toBeLessThan(20);
    expect(Number(result.doneThrough)).toBe(started - 1);
  });
});
