import { describe, expect, it } from "vitest";
import {
  capacityTable,
  lostWritesTable,
  pairedRatios,
  spread,
  type CapacityRecord,
  type StackRun,
} from "../../../bench/commitlog/summary.js";
import { parseVariants, variantLabel } from "../../../bench/commitlog/variants.js";

function rec(variant: string, round: number, inserts: number, reads = 1000): CapacityRecord {
  return {
    variant,
    round,
    concurrency: 128,
    insertsPerSecond: inserts,
    readsPerSecond: reads,
    errors: 0,
    firstError: null,
    clientCores: 0.5,
    loadAverage: { before: 1, after: 1 },
  };
}

describe("commit-log figures", () => {
  it("compare each variant with the baseline measured beside it in the same round", () => {
    // Round 2 ran on a busier machine: both halved, the ratio did not move.
    const records = [
      rec("group/32", 1, 1000),
      rec("periodic/32", 1, 3000),
      rec("group/32", 2, 500),
      rec("periodic/32", 2, 1500),
      rec("periodic/32", 3, 9999), // its baseline is missing: no ratio from this round
    ];
    expect(
      pairedRatios(records, "periodic/32", "group/32", 128, (r) => r.insertsPerSecond),
    ).toEqual([3, 3]);
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(spread([])).toBeNull();
  });

  it("render the capacity and lost-writes tables of the report", () => {
    const run: StackRun = {
      stack: "single",
      date: "2026-12-02T00:00:00Z",
      commit: "abc",
      variants: ["group/32", "periodic/32"],
      concurrencies: [128],
      rounds: 2,
      seconds: 10,
      warmupSeconds: 3,
      capacity: [
        rec("group/32", 1, 1000, 2000),
        rec("periodic/32", 1, 2000, 2000),
        rec("group/32", 2, 1200, 1000),
        rec("periodic/32", 2, 3600, 1100),
      ],
      lostWrites: [1, 2].flatMap((round) => [
        {
          variant: "group/32",
          round,
          scenario: "kill-single" as const,
          killed: ["cassandra-1"],
          acknowledged: 5000,
          acknowledgedAfterKill: 3,
          failed: 120,
          lost: 0,
          missingAtProductConsistency: 0,
          writesPerSecond: 800,
          restartSeconds: 30,
          loadAverage: { before: 1, after: 1 },
        },
        {
          variant: "periodic/32",
          round,
          scenario: "kill-single" as const,
          killed: ["cassandra-1"],
          acknowledged: 20_000,
          acknowledgedAfterKill: 0,
          failed: 128,
          lost: round * 1000,
          missingAtProductConsistency: round * 1000,
          writesPerSecond: 3000,
          restartSeconds: 40,
          loadAverage: { before: 1, after: 1 },
        },
      ]),
      failures: [],
      loadAverage: { start: 1, end: 1 },
    };
    const capacity = capacityTable(run).join("\n");
    expect(capacity).toContain("| 128 | group/32 | 1,100 (1,000–1,200) | 1 | 1 | 0 |");
    expect(capacity).toContain(
      "| 128 | periodic/32 | 2,800 (2,000–3,600) | 2.50 (2.00–3.00) | 1.05 (1.00–1.10) | 0 |",
    );
    const lost = lostWritesTable(run).join("\n");
    expect(lost).toContain(
      "| cassandra-1 (kill-single) | group/32 | 5,000, 5,000 | 0, 0 | 0, 0 | 30 |",
    );
    expect(lost).toContain(
      "| cassandra-1 (kill-single) | periodic/32 | 20,000, 20,000 | 1,000, 2,000 |",
    );
  });

  it("read variants as mode:concurrent_writes and refuse anything else", () => {
    expect(parseVariants("group:32,periodic:128").map(variantLabel)).toEqual([
      "group/32",
      "periodic/128",
    ]);
    expect(() => parseVariants("batch:32")).toThrow(/mode:threads/);
    expect(() => parseVariants("group:0")).toThrow(/mode:threads/);
    expect(() => parseVariants("group:32,group:32")).toThrow(/repeat/);
  });
});
