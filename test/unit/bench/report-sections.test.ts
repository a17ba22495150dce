import { describe, expect, it } from "vitest";
import { checkLimit } from "../../../bench/lib/capacity-model.js";
import { distributionDetection } from "../../../bench/lib/detection-figures.js";
import { neighbourRecall } from "../../../bench/lib/neighbour-recall.js";
import { renderAccuracy, renderCapacity } from "../../../bench/lib/report-sections.js";
import type { CapacityFigures } from "../../../bench/scenarios/capacity.js";

const capacity: CapacityFigures = {
  insertsPerSecond: 20_000,
  partitionReadsPerSecond: 10_000,
  rowsPerSecond: 200_000,
  byRowsPerPartition: [
    {
      rowsPerPartition: 10,
      partitionReadsPerSecond: 10_000,
      rowsPerSecond: 100_000,
      reads: 100_000,
      errors: 0,
      unexpectedRowCounts: 0,
      perSecond: [],
      clientCores: 0.4,
    },
    {
      rowsPerPartition: 100,
      partitionReadsPerSecond: 2_000,
      rowsPerSecond: 200_000,
      reads: 20_000,
      errors: 1,
      unexpectedRowCounts: 0,
      perSecond: [],
      clientCores: 0.5,
    },
  ],
  multiPartitionReads: null,
  concurrency: 192,
  seconds: 10,
  errors: 1,
  inserts: { count: 200_000, errors: 0, perSecond: [19_000, 21_000, 20_500], clientCores: 0.4 },
  firstError: "Operation timed out",
  warmupSeconds: 3,
  storedRowsPerPartition: 500,
  partitions: 64,
  inPartitions: 0,
  geohashLength: 8,
  consistency: "localQuorum",
  loadAverage: { before: 1.5, after: 2.5 },
};

describe("report sections", () => {
  it("renders the capacity and the limit of a check, saying when the statement cost is unknown", () => {
    const cost = { writes: 8, partitionsRead: 18, rowsRead: 150 };
    const text = renderCapacity(capacity, { cost, ...checkLimit(cost, capacity) }).join("\n");
    expect(text).toContain("single-row inserts: **20000/s**");
    expect(text).toContain("per second 19000–21000, median 20500");
    expect(text).toContain("reads of 100 rows: **2000/s**, 200000 rows/s (1 errors");
    expect(text).toMatch(
      /limit for a check of 8\.00 write statements \(each charged as one single-row insert\), 18\.00 partitions .* \*\*\d+ checks\/s\*\*/,
    );
    expect(text).toContain("no multi-partition read measured");
    expect(text).toContain("first error: Operation timed out");
  });

  it("renders a row per distribution, with dashes where a figure is missing", () => {
    const recall = neighbourRecall({
      checks: [],
      events: [],
      k: 50,
      maxDistanceMeters: 25_000,
      horizonMsByLength: new Map(),
    });
    const detection = distributionDetection({
      truths: [{ id: "a", magnitude: 0 }],
      alertedIds: new Set(),
      counters: { scored: 3, insufficient: 1, insufficientByReason: { sparse: 1 } },
      local: new Set(["a"]),
    });
    const lines = renderAccuracy([
      { row: "mixed", recall, detection },
      { row: "uniform", recall: null, detection: null },
    ]);
    expect(lines[4]).toContain("| mixed | 0 | – / – |");
    expect(lines[4]).toContain("75.0%");
    expect(lines[4]).toContain("sparse 1");
    expect(lines[5]).toMatch(/^\| uniform \| – \| – \/ – \|/);
  });
});
