import { describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../../src/domain/alert.js";
import { DEFAULT_LIMITS, type GeoEvent } from "../../../src/domain/event.js";
import { createMetrics } from "../../../src/observability/metrics.js";
import { createBatchHandler } from "../../../src/pipeline/batch-processor.js";
import type { CheckOutcome } from "../../../src/pipeline/detector.js";
import type { BatchControl, DeadLetter, InboundRecord } from "../../../src/pipeline/ports.js";

const NOW = Date.UTC(2026, 10, 21);
const control: BatchControl = { heartbeat: () => Promise.resolve(), isActive: () => true };
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
    search: { neighbours: [], satisfied: true, stoppedAtLength: 8, queries: 1, radiusMeters: 1 },
    verdict: { kind: "insufficient", scorer: "robust", neighbourCount: 0, threshold: 4 },
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
  it("dead-letters malformed records, checks the valid ones, and reports the whole batch done", async () => {
    const { handler, published, dead } = setup((e) => Promise.resolve(outcome(e, e.value > 10)));
    const result = await handler(
      [record(10, ev("a")), record(11, "nope"), record(12, ev("b", 99)), record(13, null)],
      control,
    );
    expect(result).toEqual({ doneThrough: "13", doneEventTimesMs: [NOW - 1000, NOW - 1000] });
    expect(dead.map((d) => [d.record.offset, d.reason])).toEqual([
      ["11", "not_json"],
      ["13", "empty"],
    ]);
    expect(published.map((a) => a.event.id)).toEqual(["b"]);
  });

  it("retries a transient store failure without losing the event", async () => {
    let failures = 2;
    const { handler } = setup((e) =>
      failures-- > 0 ? Promise.reject(new Error("timeout")) : Promise.resolve(outcome(e, false)),
    );
    const result = await handler([record(0, ev("a"))], control);
    expect(result.doneThrough).toBe("0");
    expect(result.failed).toBeUndefined();
  });

  it("stops at the first event that keeps failing: only the prefix before it is done, and only its alerts go out", async () => {
    const { handler, published } = setup((e) =>
      e.id === "c" ? Promise.reject(new Error("store down")) : Promise.resolve(outcome(e, true)),
    );
    const records = [
      record(0, ev("a")),
      record(1, ev("b")),
      record(2, ev("c")),
      record(3, ev("d")),
      record(4, ev("e")),
    ];
    const result = await handler(records, control);
    expect(result.doneThrough).toBe("1");
    expect(result.failed?.offset).toBe("2");
    expect(String(result.failed?.error)).toContain("store down");
    expect(published.map((a) => a.event.id)).toEqual(["a", "b"]);
  });

  it("commits nothing when the alerts cannot be published", async () => {
    const { handler } = setup((e) => Promise.resolve(outcome(e, true)), { publishFails: 10 });
    const result = await handler([record(5, ev("a")), record(6, ev("b"))], control);
    expect(result.doneThrough).toBeUndefined();
    expect(result.failed?.offset).toBe("5");
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
    const result = await handler(records, {
      heartbeat: () => Promise.resolve(),
      isActive: () => active,
    });
    expect(peak).toBeLessThanOrEqual(4);
    expect(started).toBeLessThan(20);
    expect(Number(result.doneThrough)).toBe(started - 1);
  });
});
