import { describe, expect, it } from "vitest";
import { reportDir } from "../../../bench/lib/bench-options.js";
import type { CheckCostFigures } from "../../../bench/lib/check-cost.js";
import { renderReport } from "../../../bench/lib/report.js";
import { buildResults, type ResultsInput } from "../../../bench/lib/results.js";
import type { RowResult } from "../../../bench/scenarios/variants.js";
import { expectToContainAll } from "../../support/assertions.js";

const perCheck = (mean: number | null) => ({ mean, p50: mean, p99: mean });

function cost(statements: number): CheckCostFigures {
  return {
    checks: 1000,
    statementsFrom: "statement counters",
    statementsPerCheck: statements,
    readStatementsPerCheck: statements / 2,
    writeStatementsPerCheck: statements / 2,
    rowsReadPerCheckCounted: 100,
    partitionsReadPerCheckCounted: 10,
    rowsWrittenPerCheck: 7,
    rowsReadPerCheck: perCheck(100),
    partitionsPerCheck: perCheck(10),
    checkBatchSize: perCheck(20),
    cqlReadsPerCheck: perCheck(null),
    writesPerEvent: 7,
  };
}

function row(over: Partial<RowResult> & { checksPerSecond: number | null }): RowResult {
  return {
    variant: "default",
    distribution: "mixed",
    settings: {},
    model: "table-per-length",
    detector: "this",
    profiled: false,
    drained: true,
    sustained: null,
    cost: cost(2),
    stopLengths: {},
    outcomes: {},
    windowCutShare: 0,
    accuracy: null,
    cpuSecondsPer1000Checks: 1,
    checks: 1000,
    timeline: [],
    ...over,
  };
}

function input(rows: RowResult[], over: Partial<ResultsInput> = {}): ResultsInput {
  return {
    generatedAt: "2026-12-03T10:00:00.000Z",
    commit: { sha: "abc123", dirty: false },
    options: { seed: 20_261_203, quick: true },
    environment: { cpus: 2, node: "v20", loadAverageStart: 1 },
    rows,
    capacity: null,
    profile: null,
    compare: null,
    ...over,
  };
}

describe("buildResults", () => {
  it("reads the targets from this checkout's unprofiled run with the median rate", () => {
    const rows = [
      row({ repeat: 1, checksPerSecond: 500, cost: cost(1.5) }),
      row({ variant: "distribution uniform", distribution: "uniform", checksPerSecond: 900 }),
      row({ repeat: 2, checksPerSecond: 450, cost: cost(1.8) }),
      row({ repeat: 3, checksPerSecond: 540, cost: cost(1.2) }),
      row({ profiled: true, checksPerSecond: 200, cost: cost(9) }),
    ];
    const r = buildResults(input(rows));
    expect(r.checksPerSecond).toBe(500);
    expect(r.repeats).toMatchObject({ min: 450, median: 500, max: 540, medianIndex: 0 });
    expect(r.repeats.maxOverMin).toBeCloseTo(1.2, 12);
    expect(r.statementsPerCheck).toBe(1.5); // from repeat 1, never the profiled run
    expect(r.commit).toEqual({ sha: "abc123", dirty: false });
    expect(r.seed).toEqual({ reported: 20_261_203, tuning: 42, heldOut: true });
    expect(r.drained).toBe(true);
    const repeatTarget = r.targets.find((t) => t.target.startsWith("default row max / min"));
    expect(repeatTarget?.met).toBe(false);
    expect(r.comparison).toBeNull();
  });

  it("is not drained when any row did not drain or failed", () => {
    const rows = [
      row({ repeat: 1, checksPerSecond: 500 }),
      row({ checksPerSecond: 1, drained: false }),
    ];
    expect(buildResults(input(rows)).drained).toBe(false);
    const failed = [
      row({ repeat: 1, checksPerSecond: 500 }),
      { ...row({ checksPerSecond: null }), error: "x" },
    ];
    expect(buildResults(input(failed)).drained).toBe(false);
  });

  it("puts both checkouts side by side with this one's figures over the compared one's", () => {
    const rows = [1, 2, 3].flatMap((repeat) => [
      row({ repeat, checksPerSecond: 600 + repeat, cost: cost(1.5) }),
      row({ repeat, detector: "compared", checksPerSecond: 300 + repeat, cost: cost(8.5) }),
    ]);
    const r = buildResults(
      input(rows, {
        compare: { checkout: "../previous", commit: { sha: "def456", dirty: false } },
      }),
    );
    expect(r.checksPerSecond).toBe(602);
    expect(r.comparison?.compared.repeats.median).toBe(302);
    expect(r.comparison?.ratios.sustainedMedian).toBeCloseTo(602 / 302, 12);
    expect(r.comparison?.ratios.statementsPerCheck).toBeCloseTo(1.5 / 8.5, 12);
    const speedup = r.targets.find((t) => t.target === "sustained vs the compared checkout");
    expect(speedup?.met).toBe(false); // 1.99x < 2x
  });

  it("renders the commit, the held-out seed, the repeats and the comparison", () => {
    const rows = [1, 2].flatMap((repeat) => [
      row({ repeat, checksPerSecond: 600 }),
      row({ repeat, detector: "compared", checksPerSecond: 300 }),
    ]);
    const text = renderReport(
      buildResults(
        input(rows, {
          compare: { checkout: "../previous", commit: { sha: "def456", dirty: true } },
        }),
      ),
    );
    expectToContainAll(text, [
      "from commit abc123",
      "held out: defaults were tuned on 42",
      "median of 2 runs (min 600, max 600, max/min 1.000)",
      "## Before / after",
      "commit def456 (dirty)",
      "| default #1 (compared) | 300 | yes |",
    ]);
  });
});

describe("reportDir", () => {
  it("names a run's folder by its day, with a suffix when the day has one", async () => {
    const day = new Date("2026-12-03T23:59:00Z");
    const taken = new Set(["bench/reports/2026-12-03", "bench/reports/2026-12-03-2"]);
    expect(await reportDir("bench/reports", day, (p) => Promise.resolve(taken.has(p)))).toBe(
      "bench/reports/2026-12-03-3",
    );
    expect(await reportDir("bench/reports", day, () => Promise.resolve(false))).toBe(
      "bench/reports/2026-12-03",
    );
  });
});
