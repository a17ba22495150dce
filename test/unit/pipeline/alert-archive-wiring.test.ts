import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, type GeoEvent } from "../../../src/domain/detect/event.js";
import { createMetrics } from "../../../src/observability/metrics.js";
import { createBatchHandler } from "../../../src/pipeline/batch-processor.js";
import { inboundRecord, NOW } from "../../support/inbound.js";
import { checkedOutcome } from "../../support/outcomes.js";
import type { CheckOutcome } from "../../../src/pipeline/detector.js";
import type { BatchControl, InboundRecord } from "../../../src/pipeline/ports.js";

const commits: string[] = [];
const control: BatchControl = {
  heartbeat: () => Promise.resolve(),
  isActive: () => true,
  commit: (through) => (commits.push(through), Promise.resolve()),
};
const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };

function record(offset: number, id: string, value: number): InboundRecord {
  return inboundRecord(offset, { id, lat: 1, lon: 2, value, time: NOW - 1000 });
}

const outcome = (event: GeoEvent): CheckOutcome => checkedOutcome(event, event.value > 10);

function setup(archiveFails: number) {
  const steps: string[] = [];
  let failures = archiveFails;
  const handler = createBatchHandler({
    detector: { checkBatch: (items) => Promise.resolve(items.map((i) => outcome(i.event))) },
    alerts: {
      publish: (a) => {
        steps.push(`publish ${a.map((x) => x.event.id).join(",")}`);
        return Promise.resolve();
      },
    },
    archive: {
      store: (a) => {
        if (failures-- > 0) return Promise.reject(new Error("cassandra away"));
        steps.push(`archive ${a.map((x) => x.event.id).join(",")}`);
        return Promise.resolve();
      },
    },
    deadLetters: { send: () => Promise.resolve() },
    metrics: createMetrics().pipeline,
    limits: DEFAULT_LIMITS,
    checkBatchSize: 500,
    retry: { initialMs: 1, maxMs: 2, attempts: 2 },
    logger: silent,
    now: () => NOW,
  });
  return { handler, steps };
}

describe("alert archive in the batch handler", () => {
  it("archives the alerts of the done prefix before publishing them", async () => {
    const { handler, steps } = setup(0);
    const result = await handler(
      [record(1, "a", 1), record(2, "b", 99), record(3, "c", 50)],
      control,
    );
    // Each alert is archived before it is published (the prefix may go out in one or more flushes).
    const archived = steps
      .filter((x) => x.startsWith("archive"))
      .flatMap((x) => x.slice(8).split(","));
    const published = steps
      .filter((x) => x.startsWith("publish"))
      .flatMap((x) => x.slice(8).split(","));
    expect(archived).toEqual(["b", "c"]);
    expect(published).toEqual(["b", "c"]);
    for (const id of ["b", "c"]) {
      expect(steps.findIndex((x) => x.startsWith("archive") && x.includes(id))).toBeLessThan(
        steps.findIndex((x) => x.startsWith("publish") && x.includes(id)),
      );
    }
    expect(result.doneThrough).toBe("3");
  });

  it("retries a failed archive write with the publish, and reports done only after both", async () => {
    const { handler, steps } = setup(1);
    const result = await handler([record(1, "b", 99)], control);
    expect(steps).toEqual(["archive b", "publish b"]);
    expect(result.doneThrough).toBe("1");
  });

  it("commits nothing of an alert and publishes nothing when the archive stays down", async () => {
    const { handler, steps } = setup(10);
    commits.length = 0;
    const result = await handler([record(1, "b", 99), record(2, "c", 1)], control);
    expect(steps).toEqual([]);
    expect(commits).toEqual([]);
    expect(result.doneThrough).toBeUndefined();
    expect(result.failed?.offset).toBe("1");
  });
});
