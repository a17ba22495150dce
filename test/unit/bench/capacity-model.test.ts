import { describe, expect, it } from "vitest";
import {
  checkLimit,
  fitReadCost,
  fitWriteCost,
  readSeconds,
  shareOfLimit,
} from "../../../bench/lib/capacity-model.js";

// 10 rows: 1 ms per read; 100 rows: 2.8 ms per read -> 0.02 ms per row, 0.8 ms fixed per read.
const TWO_SIZES = [
  { rowsPerPartition: 10, partitionReadsPerSecond: 1000 },
  { rowsPerPartition: 100, partitionReadsPerSecond: 1000 / 2.8 },
];

describe("fitReadCost", () => {
  it("splits two single-partition sizes into a fixed and a per-row part, charged per partition", () => {
    const cost = fitReadCost(TWO_SIZES);
    expect(cost?.secondsPerRow).toBeCloseTo(0.00002, 12);
    expect(cost?.secondsPerPartition).toBeCloseTo(0.0008, 12);
    expect(cost?.secondsPerStatement).toBe(0);
    expect(cost?.statementCostKnown).toBe(false);
  });

  it("separates the per-statement cost when a multi-partition read was measured", () => {
    // s = 0.5 ms, a = 0.3 ms, b = 0.02 ms: one IN over 9 partitions of 10 rows = 0.5 + 2.7 + 1.8 ms.
    const cost = fitReadCost(TWO_SIZES, {
      partitionsPerRead: 9,
      rowsPerPartition: 10,
      readsPerSecond: 1000 / 5,
    });
    expect(cost?.secondsPerStatement).toBeCloseTo(0.0005, 12);
    expect(cost?.secondsPerPartition).toBeCloseTo(0.0003, 12);
    expect(cost?.secondsPerRow).toBeCloseTo(0.00002, 12);
    expect(cost?.statementCostKnown).toBe(true);
    expect(readSeconds(cost!, 9, 90)).toBeCloseTo(0.005, 12);
  });

  it("never makes rows or partitions free by a negative part", () => {
    const flat = fitReadCost([
      { rowsPerPartition: 10, partitionReadsPerSecond: 900 },
      { rowsPerPartition: 100, partitionReadsPerSecond: 1000 },
    ]);
    expect(flat?.secondsPerRow).toBe(0);
    expect(flat?.secondsPerPartition).toBeCloseTo((1 / 900 + 1 / 1000) / 2, 12);
    const steep = fitReadCost([
      { rowsPerPartition: 10, partitionReadsPerSecond: 10_000 },
      { rowsPerPartition: 100, partitionReadsPerSecond: 100 },
    ]);
    expect(steep?.secondsPerPartition).toBe(0);
    expect(steep?.secondsPerRow).toBeGreaterThan(0);
    // An IN read slower than its partitions read one by one: no negative statement cost.
    const slowIn = fitReadCost(TWO_SIZES, {
      partitionsPerRead: 9,
      rowsPerPartition: 10,
      readsPerSecond: 50,
    });
    expect(slowIn?.secondsPerStatement).toBeGreaterThanOrEqual(0);
    expect(slowIn?.secondsPerPartition).toBeGreaterThanOrEqual(0);
    expect(slowIn?.secondsPerRow).toBeGreaterThanOrEqual(0);
  });

  it("with one size, charges at least that read and rows beyond it at its rows/s", () => {
    const cost = fitReadCost([{ rowsPerPartition: 10, partitionReadsPerSecond: 1000 }]);
    expect(cost).not.toBeNull();
    expect(readSeconds(cost!, 1, 1)).toBeCloseTo(0.001, 12);
    expect(readSeconds(cost!, 1, 10)).toBeCloseTo(0.001, 12);
    expect(readSeconds(cost!, 1, 40)).toBeCloseTo(0.004, 12);
    expect(readSeconds(cost!, 2, 20)).toBeCloseTo(0.002, 12);
  });

  it("ignores reads that were not measured", () => {
    expect(fitReadCost([])).toBeNull();
    expect(fitReadCost([{ rowsPerPartition: 10, partitionReadsPerSecond: 0 }])).toBeNull();
    const one = fitReadCost([
      { rowsPerPartition: 10, partitionReadsPerSecond: Number.NaN },
      { rowsPerPartition: 100, partitionReadsPerSecond: 500 },
    ]);
    expect(one?.minSecondsPerPartition).toBeCloseTo(0.002, 12);
    expect(
      fitReadCost(TWO_SIZES, { partitionsPerRead: 9, rowsPerPartition: 10, readsPerSecond: 0 })
        ?.statementCostKnown,
    ).toBe(false);
  });
});

describe("checkLimit", () => {
  const capacity = { insertsPerSecond: 8000, byRowsPerPartition: TWO_SIZES };

  it("adds the time of writes, partitions and rows and inverts it", () => {
    // 8 writes = 1 ms; 18 partitions x 0.8 ms = 14.4 ms; 150 rows x 0.02 ms = 3 ms.
    const limit = checkLimit({ writes: 8, partitionsRead: 18, rowsRead: 150 }, capacity);
    expect(limit.secondsPerCheck).toBeCloseTo(0.0184, 9);
    expect(limit.limitChecksPerSecond).toBeCloseTo(1 / 0.0184, 6);
    expect(limit.shares.writes).toBeCloseTo(1 / 18.4, 9);
    expect(limit.shares.partitions).toBeCloseTo(14.4 / 18.4, 9);
    expect(limit.shares.rows).toBeCloseTo(3 / 18.4, 9);
    expect(limit.shares.statements).toBe(0);
  });

  it("charges fewer statements than partitions only at the measured per-statement cost", () => {
    const withIn = {
      ...capacity,
      multiPartitionReads: { partitionsPerRead: 9, rowsPerPartition: 10, readsPerSecond: 200 },
    };
    // 8 writes = 1 ms; 2 statements x 0.5 ms; 18 x 0.3 ms; 150 x 0.02 ms: 10.4 ms.
    const batched = checkLimit(
      { writes: 8, partitionsRead: 18, rowsRead: 150, readStatements: 2 },
      withIn,
    );
    expect(batched.secondsPerCheck).toBeCloseTo(0.0104, 9);
    expect(batched.shares.statements).toBeCloseTo(1 / 10.4, 9);
    // The same check as single-partition reads pays the statement cost 18 times.
    const single = checkLimit({ writes: 8, partitionsRead: 18, rowsRead: 150 }, withIn);
    expect(single.secondsPerCheck).toBeCloseTo(0.0184, 9);
  });

  it("gives a write-only check the insert rate divided by the writes", () => {
    const limit = checkLimit({ writes: 4, partitionsRead: 0, rowsRead: 0 }, capacity);
    expect(limit.limitChecksPerSecond).toBeCloseTo(2000, 9);
    expect(limit.shares.writes).toBe(1);
  });

  it("counts a read on the floor of a single measured size as partition cost", () => {
    const one = { insertsPerSecond: 1000, byRowsPerPartition: [TWO_SIZES[0]!] };
    const small = checkLimit({ writes: 0, partitionsRead: 2, rowsRead: 4 }, one);
    expect(small.secondsPerCheck).toBeCloseTo(0.002, 12);
    expect(small.shares.rows).toBe(0);
    const big = checkLimit({ writes: 0, partitionsRead: 2, rowsRead: 60 }, one);
    expect(big.secondsPerCheck).toBeCloseTo(0.006, 12);
    expect(big.shares.rows).toBe(1);
  });

  it("has no limit without a usable capacity or without any cost", () => {
    const writeOnly = { writes: 1, partitionsRead: 0, rowsRead: 0 };
    expect(
      checkLimit(writeOnly, { ...capacity, insertsPerSecond: 0 }).limitChecksPerSecond,
    ).toBeNull();
    const noReads = { insertsPerSecond: 100, byRowsPerPartition: [] };
    expect(
      checkLimit({ writes: 1, partitionsRead: 1, rowsRead: 5 }, noReads).limitChecksPerSecond,
    ).toBeNull();
    expect(
      checkLimit({ writes: 0, partitionsRead: 0, rowsRead: 0 }, capacity).limitChecksPerSecond,
    ).toBeNull();
  });

  it("rejects a cost that cannot be", () => {
    const bad = [
      { writes: -1, partitionsRead: 0, rowsRead: 0 },
      { writes: 1, partitionsRead: Number.NaN, rowsRead: 0 },
      { writes: 1, partitionsRead: 0, rowsRead: 3 },
      { writes: 1, partitionsRead: 2, rowsRead: 3, readStatements: 0 },
    ];
    for (const cost of bad) expect(() => checkLimit(cost, capacity)).toThrow(RangeError);
  });
});

describe("fitWriteCost", () => {
  // A single-row insert takes 200 µs; a grouped insert of 40 rows 1,760 µs: 160 µs a statement,
  // 40 µs a row.
  const GROUPED = { rowsPerStatement: 40, statementsPerSecond: 1e6 / 1760 };

  it("prices a write statement and a written row apart from the two inserts", () => {
    const cost = fitWriteCost(5000, GROUPED);
    expect(cost?.secondsPerStatement).toBeCloseTo(0.00016, 12);
    expect(cost?.secondsPerRow).toBeCloseTo(0.00004, 12);
  });

  it("never makes a statement cost less than nothing when rows look dearer than a single insert", () => {
    const cost = fitWriteCost(5000, { rowsPerStatement: 10, statementsPerSecond: 100 });
    expect(cost).toEqual({ secondsPerStatement: 0, secondsPerRow: 0.001 });
  });

  it("charges rows nothing extra when a batch is no dearer than one insert", () => {
    const cost = fitWriteCost(1000, { rowsPerStatement: 40, statementsPerSecond: 2000 });
    expect(cost).toEqual({ secondsPerStatement: 0.001, secondsPerRow: 0 });
  });

  it("has no cost without a usable grouped point", () => {
    expect(fitWriteCost(5000, null)).toBeNull();
    expect(fitWriteCost(5000, { rowsPerStatement: 1, statementsPerSecond: 100 })).toBeNull();
    expect(fitWriteCost(5000, { rowsPerStatement: 40, statementsPerSecond: 0 })).toBeNull();
    expect(fitWriteCost(0, GROUPED)).toBeNull();
  });

  it("makes a grouped check's writes cost their rows, not one insert per statement", () => {
    const capacity = { insertsPerSecond: 5000, byRowsPerPartition: [], groupedInserts: GROUPED };
    // 0.2 statements carrying 7 rows: 0.2 * 160 + 7 * 40 = 312 µs, not 0.2 * 200 = 40 µs.
    const priced = checkLimit(
      { writes: 0.2, rowsWritten: 7, partitionsRead: 0, rowsRead: 0 },
      capacity,
    );
    expect(priced.secondsPerCheck).toBeCloseTo(0.000312, 12);
    expect(priced.writeCost).not.toBeNull();
    const unpriced = checkLimit({ writes: 0.2, partitionsRead: 0, rowsRead: 0 }, capacity);
    expect(unpriced.secondsPerCheck).toBeCloseTo(0.00004, 12);
    expect(unpriced.writeCost).toBeNull();
  });
});

describe("shareOfLimit", () => {
  it("is the sustained rate over the limit, null when either is missing", () => {
    expect(shareOfLimit(450, 900)).toBe(0.5);
    expect(shareOfLimit(null, 900)).toBeNull();
    expect(shareOfLimit(450, null)).toBeNull();
    expect(shareOfLimit(450, 0)).toBeNull();
  });
});
