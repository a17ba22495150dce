/**
 * The batch handler's part in the cluster summary: a slice's stored (cell, slot) pairs are marked
 * in the touch log after its rows and alerts are stored and before its offsets commit, and a
 * slice whose marks fail is not committed.
 */
import ngeohash from "ngeohash";
import { describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../../src/domain/detect/alert.js";
import { DEFAULT_LIMITS } from "../../../src/domain/detect/event.js";
import { minuteSlot, type TouchedPair } from "../../../src/domain/query/summary.js";
import { createMetrics } from "../../../src/observability/metrics.js";
import { createBatchHandler } from "../../../src/pipeline/batch-processor.js";
import type { CheckOutcome } from "../../../src/pipeline/detector.js";
import type { BatchControl, InboundRecord } from "../../../src/pipeline/ports.js";
import { inboundRecord, NOW } from "../../support/inbound.js";

const record = (offset: number, value: object | string): InboundRecord =>
  inboundRecord(offset, value);

function setup(markFails: number) {
  const steps: string[] = [];
  const marked: TouchedPair[] = [];
  let failures = markFails;
  const handler = createBatchHandler({
    detector: {
      checkBatch: (items) => {
        steps.push("check");
        return Promise.resolve(
          items.map((i): CheckOutcome =>
            i.event.value > 10
              ? {
                  kind: "checked",
                  event: i.event,
                  search: {} as never,
                  verdict: {} as never,
                  alert: { event: { id: i.event.id } } as AnomalyAlert,
                }
              : { kind: "checked", event: i.event, search: {} as never, verdict: {} as never },
          ),
        );
      },
    },
    alerts: { publish: () => (steps.push("publish"), Promise.resolve()) },
    archive: { store: () => (steps.push("archive"), Promise.resolve()) },
    deadLetters: { send: () => Promise.resolve() },
    summary: {
      sourceLength: 4,
      log: {
        mark: (pairs) => {
          steps.push("mark");
          if (failures-- > 0) return Promise.reject(new Error("store away"));
          marked.push(...pairs);
          return Promise.resolve();
        },
      },
    },
    metrics: createMetrics().pipeline,
    limits: DEFAULT_LIMITS,
    checkBatchSize: 500,
    retry: { initialMs: 1, maxMs: 2, attempts: 2 },
    logger: { debug: () => undefined, warn: () => undefined, error: () => undefined },
    now: () => NOW,
  });
  const control: BatchControl = {
    heartbeat: () => Promise.resolve(),
    isActive: () => true,
    commit: () => (steps.push("commit"), Promise.resolve()),
  };
  return { handler, control, steps, marked };
}

const at = (id: string, lat: number, lon: number, value = 1) => ({
  id,
  lat,
  lon,
  value,
  time: NOW - 1000,
});

describe("summary marks in the batch handler", () => {
  it("marks each stored pair once, after the alerts are archived and before the commit", async () => {
    const { handler, control, steps, marked } = setup(0);
    const result = await handler(
      [
        record(1, at("a", 48.85, 2.35)),
        record(2, "not json"),
        record(3, at("b", 48.8501, 2.3501, 99)),
        record(4, at("c", -33.86, 151.2)),
      ],
      control,
    );
    expect(result).toEqual({ doneThrough: "4" });
    expect(steps).toEqual(["check", "archive", "publish", "mark", "commit"]);
    const slot = minuteSlot(NOW - 1000);
    expect(marked).toEqual([
      { cell: ngeohash.encode(48.85, 2.35, 4), slot },
      { cell: ngeohash.encode(-33.86, 151.2, 4), slot },
    ]);
  });

  it("retries a failed mark, and commits nothing when it fails for good", async () => {
    const retried = setup(1);
    expect(await retried.handler([record(1, at("a", 1, 1))], retried.control)).toEqual({
      doneThrough: "1",
    });
    expect(retried.steps).toEqual(["check", "mark", "mark", "commit"]);

    const failed = setup(10);
    const result = await failed.handler([record(1, at("a", 1, 1))], failed.control);
    expect(result.failed?.offset).toBe("1");
    expect(failed.steps).not.toContain("commit");
  });
});
