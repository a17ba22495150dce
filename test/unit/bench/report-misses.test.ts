import { describe, expect, it } from "vitest";
import type { CheckCostFigures } from "../../../bench/lib/check-cost.js";
import { distributionDetection } from "../../../bench/lib/detection-figures.js";
import { missedAnomalies } from "../../../bench/lib/missed-anomalies.js";
import { neighbourRecall } from "../../../bench/lib/neighbour-recall.js";
import { renderReport } from "../../../bench/lib/report.js";
import { kindsText } from "../../../bench/lib/report-misses.js";
import { buildResults } from "../../../bench/lib/results.js";
import type { TraceCheck } from "../../../bench/lib/trace.js";
import { traceCoverage } from "../../../bench/lib/trace-coverage.js";
import type { AccuracyFigures } from "../../../bench/scenarios/accuracy.js";
import type { RowResult } from "../../../bench/scenarios/variants.js";

const perCheck = { mean: 1, p50: 1, p99: 1 };
const cost: CheckCostFigures = {
  checks: 100,
  statementsFrom: "statement counters",
  statementsPerCheck: 1,
  readStatementsPerCheck: 0.5,
  writeStatementsPerCheck: 0.5,
  rowsReadPerCheckCounted: 10,
  partitionsReadPerCheckCounted: 2,
  rowsWrittenPerCheck: 7,
  rowsReadPerCheck: perCheck,
  partitionsPerCheck: perCheck,
  checkBatchSize: perCheck,
  cqlReadsPerCheck: perCheck,
  writesPerEvent: 7,
};

function traced(seq: number, eventId: string, over: Partial<TraceCheck>): TraceCheck {
  return {
    seq,
    eventId,
    lat: 1,
    lon: 1,
    timeMs: seq,
    neighbourIds: ["p", "q"],
    neighbourDistancesMeters: [1, 2],
    stopLength: 5,
    coveredRadiusMeters: 100,
    maxDistanceMeters: 25_000,
    windowFromMs: 0,
    windowToMs: seq,
    complete: true,
    verdict: "scored",
    reason: null,
    score: 1,
    rowsRead: 1,
    partitionsRead: 1,
    steps: 1,
    ...over,
  };
}

/** A row with three injected anomalies (one alerted: `hit`) whose detector traced `checks`. */
function rowOf(variant: string, distribution: string, checks: TraceCheck[]): RowResult {
  const truths = [
    { id: `${variant}-hit`, magnitude: 8 },
    { id: `${variant}-low`, magnitude: 3.5 },
    { id: `${variant}-sparse`, magnitude: 9 },
    { id: `${variant}-normal`, magnitude: 0 },
  ];
  const alertedIds = new Set([`${variant}-hit`]);
  const accuracy: AccuracyFigures = {
    recall: neighbourRecall({
      checks: [],
      events: [],
      k: 5,
      maxDistanceMeters: 1,
      horizonMsByLength: new Map(),
    }),
    detection: distributionDetection({
      truths,
      alertedIds,
      counters: { scored: 3, insufficient: 1, insufficientByReason: { sparse: 1 } },
      local: new Set(),
    }),
    missed: missedAnomalies({
      truths,
      alertedIds,
      checks,
      threshold: 4,
      trace: traceCoverage({ checks, available: true, drainedAtStop: true, lastError: null }, 1),
      local: new Set([`${variant}-low`]),
    }),
    unstoredEvents: 0,
    eventsNotInTopic: 0,
    notes: [],
  };
  return {
    variant,
    distribution,
    settings: {},
    model: "table-per-length",
    detector: "this",
    profiled: false,
    drained: true,
    checksPerSecond: 500,
    sustained: null,
    cost,
    stopLengths: {},
    outcomes: {},
    windowCutShare: 0,
    accuracy,
    cpuSecondsPer1000Checks: 1,
    checks: 100,
    timeline: [],
    ...(variant === "default" ? { repeat: 1 } : {}),
  };
}

describe("the missed anomalies in results.json and the report", () => {
  const rows = [
    rowOf("default", "mixed", [
      traced(1, "default-hit", { score: 9 }),
      traced(2, "default-low", { score: 2.75 }),
      traced(3, "default-sparse", { verdict: "insufficient", reason: "sparse", score: null }),
      traced(4, "default-normal", {}),
    ]),
    // A trace with a gap: the uniform row's unread check makes its absent anomaly "not traced".
    rowOf("distribution uniform", "uniform", [
      traced(1, "distribution uniform-low", { score: 3.9 }),
      traced(3, "distribution uniform-normal", {}),
    ]),
  ];
  const results = buildResults({
    generatedAt: "2026-12-03T10:00:00.000Z",
    commit: { sha: "abc", dirty: false },
    options: { seed: 1, quick: true },
    environment: { cpus: 2, node: "v20", loadAverageStart: 1 },
    rows,
    capacity: null,
    profile: null,
    compare: null,
  });

  it("counts each distribution's misses by verdict and names the row that lists them", () => {
    const [mixed, uniform, clumped] = results.missedAnomalies;
    expect(mixed).toMatchObject({ distribution: "mixed", row: "default #1", rowIndex: 0 });
    expect(mixed?.counts?.byKind).toMatchObject({ "below-threshold": 1, insufficient: 1 });
    expect(mixed?.traceComplete).toBe(true);
    expect(uniform).toMatchObject({ rowIndex: 1, anomalies: 3, alerted: 1, traceComplete: false });
    expect(uniform?.counts?.byKind).toMatchObject({
      "below-threshold": 1,
      "not-traced": 1,
      "not-checked": 0,
    });
    expect(clumped).toMatchObject({ distribution: "clumped", row: null, counts: null });
    const listed = results.rows[0]?.accuracy?.missed.missed.map((m) => m.id);
    expect(listed).toEqual(["default-sparse", "default-low"]);
  });

  it("renders the counts per row and every missed anomaly per distribution", () => {
    const md = renderReport(results);
    expect(md).toContain("## Injected anomalies not alerted: the detector's verdict on each");
    expect(md).toContain(
      "| default #1 | 3 | 1 | 2 | 1 | 0 | 0 | 1 (sparse 1) | 0 | 0 | 1: insufficient 1 (sparse 1) | complete |",
    );
    expect(md).toContain(
      "| distribution uniform | 3 | 1 | 2 | 1 | 0 | 0 | 0 | 0 | 1 | 1: not-traced 1 | incomplete: 1 traced checks were dropped",
    );
    expect(md).toContain(
      "<summary>mixed (default #1): 2 of 3 injected anomalies not alerted</summary>",
    );
    expect(md).toContain(
      "| `default-low` | 3.50 | yes | scored 2.75 (threshold 4, 2 neighbours) |",
    );
    expect(md).toContain("| `default-sparse` | 9.00 | no | insufficient: sparse (2 neighbours) |");
    expect(md).toContain(
      "| `distribution uniform-sparse` | 9.00 | no | not traced: no detector recorded a check |",
    );
  });

  it("names only the kinds that occurred", () => {
    const counts = results.missedAnomalies[0]?.counts;
    expect(counts === null || counts === undefined ? "" : kindsText(counts)).toBe(
      "below-threshold 1, insufficient 1 (sparse 1)",
    );
  });
});
