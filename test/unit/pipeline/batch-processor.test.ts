import { describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../../src/domain/detect/alert.js";
import { DEFAULT_LIMITS, type GeoEvent } from "../../../src/domain/detect/event.js";
import { GeoAnomalyError } from "../../../src/errors.js";
import { createMetrics } from "../../../src/observability/metrics.js";
import { createBatchHandler } from "../../../src/pipeline/batch-processor.js";
import { inboundRecord, NOW } from "../../support/inbound.js";
import { checkedOutcome } from "../../support/outcomes.js";
import type { CheckItem, CheckOutcome } from "../../../src/pipeline/detector.js";
import type { BatchControl, DeadLetter } from "../../../src/pipeline/ports.js";

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

const record = inboundRecord;

const ev = (id: string, value = 1): object => ({ id, lat: 1, lon: 2, value, time: NOW - 1000 });

const outcome = checkedOutcome;

/**
 * A handler over a fake detector at the port: `checkOne` decides each event, and a batch fails as a
 * whole when one of its events throws (as the real batch check does).
 */
function setup(
  checkOne: (e: GeoEvent) => Promise<CheckOutcome>,
  opts: { publishFails?: number; checkBatchSize?: number } = {},
) {
  const published: AnomalyAlert[] = [];
  const dead: DeadLetter[] = [];
  const batches: CheckItem[][] = [];
  let publishFailures = opts.publishFails ?? 0;
  const handler = createBatchHandler({
    detector: {
      checkBatch: (items) => {
        batches.push([...items]);
        return Promise.all(items.map((i) => checkOne(i.event)));
      },
    },
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
    checkBatchSize: opts.checkBatchSize ?? 500,
    retry: { initialMs: 1, maxMs: 2, attempts: 2 },
    logger: silent,
    now: () => NOW,
  });
  return { handler, published, dead, batches };
}

describe("batch handler", () => {
  it("dead-letters malformed records, checks the valid ones together, and commits the whole batch", async () => {
    const { handler, published, dead, batches } = setup((e) =>
      Promise.resolve(outcome(e, e.value > 10)),
    );
    const { control, commits } = recordingControl();
    const result = await handler(
      [record(10, ev("a")), record(11, "nope"), record(12, ev("b", 99)), record(13, null)],
      control,
    );
    expect(result).toEqual({ doneThrough: "13" });
    expect(commits.map((c) => c.through)).toEqual(["13"]);
    expect(commits.flatMap((c) => c.times)).toEqual([NOW - 1000, NOW - 1000]);
    expect(batches.map((b) => b.map((i) => [i.event.id, i.offset]))).toEqual([
      [
        ["a", "10"],
        ["b", "12"],
      ],
    ]);
    expect(dead.map((d) => [d.record.offset, d.reason])).toEqual([
      ["11", "not_json"],
      ["13", "empty"],
    ]);
    expect(published.map((a) => a.event.id)).toEqual(["b"]);
  });

  it("checks a large batch in slices, in offset order, committing after each", async () => {
    const { handler, batches } = setup((e) => Promise.resolve(outcome(e, false)), {
      checkBatchSize: 25,
    });
    const { control, commits } = recordingControl();
    const records = Array.from({ length: 100 }, (_, i) => record(i, ev(`e${i}`)));
    const result = await handler(records, control);
    expect(result.doneThrough).toBe("99");
    expect(commits.map((c) => c.through)).toEqual(["24", "49", "74", "99"]);
    expect(batches.map((b) => b.length)).toEqual([25, 25, 25, 25]);
    expect(batches.flat().map((i) => i.event.id)).toEqual(records.map((_, i) => `e${i}`));
  });

  it("stops at the first slice that fails for good: only the slices before it are committed, and only their alerts go out", async () => {
    const { handler, published } = setup(
      (e) =>
        e.id === "c" ? Promise.reject(new Error("store down")) : Promise.resolve(outcome(e, true)),
      { checkBatchSize: 2 },
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
    expect(commits.map((c) => c.through)).toEqual(["1"]);
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

  it("lets a failed commit reach the consumer (it rejoins the group)", async () => {
    const { handler } = setup((e) => Promise.resolve(outcome(e, false)));
    const control: BatchControl = {
      heartbeat: () => Promise.resolve(),
      isActive: () => true,
      commit: () => Promise.reject(new Error("rebalance in progress")),
    };
    await expect(handler([record(0, ev("a"))], control)).rejects.toThrow("rebalance in progress");
  });

  it("dead-letters an event the store refuses and commits the rest", async () => {
    const { handler, dead } = setup((e) =>
      Promise.resolve(
        e.id === "b"
          ? {
              kind: "rejected",
              event: e,
              error: new GeoAnomalyError("EVENT_REJECTED", "cannot encode value"),
            }
          : outcome(e, false),
      ),
    );
    const { control, commits } = recordingControl();
    const result = await handler(
      [record(0, ev("a")), record(1, ev("b")), record(2, ev("c"))],
      control,
    );
    expect(result).toEqual({ doneThrough: "2" });
    expect(dead.map((d) => [d.record.offset, d.reason])).toEqual([["1", "store_rejected"]]);
    expect(dead[0]?.detail).toContain("cannot encode value");
    expect(commits.flatMap((c) => c.times)).toHaveLength(2);
  });

  it("starts no new slice once the batch is inactive", async () => {
    let active = true;
    const { handler } = setup(
      (e) => {
        if (e.id === "e9") active = false;
        return Promise.resolve(outcome(e, false));
      },
      { checkBatchSize: 5 },
    );
    const records = Array.from({ length: 20 }, (_, i) => record(i, ev(`e${i}`)));
    const { control, commits } = recordingControl(() => active);
    const result = await handler(records, control);
    expect(result.doneThrough).toBe("9");
    expect(commits.map((c) => c.through)).toEqual(["4", "9"]);
  });
});
