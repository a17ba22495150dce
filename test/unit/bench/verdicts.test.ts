import { describe, expect, it } from "vitest";
import { missedAnomalies } from "../../../bench/lib/missed-anomalies.js";
import type { TraceCheck } from "../../../bench/lib/trace.js";
import { idDraw, sampleChecks, traceCoverage } from "../../../bench/lib/trace-coverage.js";
import {
  addVerdicts,
  countMisses,
  explainMisses,
  missKind,
  type EventVerdict,
} from "../../../bench/lib/verdicts.js";

let seq = 0;
function check(eventId: string, over: Partial<TraceCheck> = {}): TraceCheck {
  seq += 1;
  return {
    seq,
    eventId,
    lat: 48.85,
    lon: 2.35,
    timeMs: 1_000 + seq,
    neighbourIds: ["a", "b", "c"],
    neighbourDistancesMeters: [1, 2, 3],
    stopLength: 6,
    coveredRadiusMeters: 600,
    maxDistanceMeters: 25_000,
    windowFromMs: 0,
    windowToMs: 1_000 + seq,
    complete: true,
    verdict: "scored",
    reason: null,
    score: 1,
    rowsRead: 10,
    partitionsRead: 2,
    steps: 1,
    ...over,
  };
}

const insufficient = (reason: string): Partial<TraceCheck> => ({
  verdict: "insufficient",
  reason,
  score: null,
  neighbourIds: ["a"],
  neighbourDistancesMeters: [5],
});

describe("the kind of a miss", () => {
  it("compares the score's size with the threshold as the detector does (|score| > threshold alerts)", () => {
    const v = (score: number | null): EventVerdict => ({
      verdict: "scored",
      reason: null,
      score,
      neighbours: 3,
      checks: 1,
    });
    expect(missKind(v(3.9), 4, true)).toBe("below-threshold");
    expect(missKind(v(4), 4, true)).toBe("below-threshold");
    expect(missKind(v(-4), 4, true)).toBe("below-threshold");
    expect(missKind(v(4.01), 4, true)).toBe("beyond-threshold");
    expect(missKind(v(-6), 4, true)).toBe("beyond-threshold");
    expect(missKind(v(null), 4, true)).toBe("scored-unknown");
    const i: EventVerdict = {
      verdict: "insufficient",
      reason: "sparse",
      score: null,
      neighbours: 1,
      checks: 1,
    };
    expect(missKind(i, 4, false)).toBe("insufficient");
  });

  it("tells an event never checked from one whose check was not read", () => {
    expect(missKind(undefined, 4, true)).toBe("not-checked");
    expect(missKind(undefined, 4, false)).toBe("not-traced");
    const [checked, traced] = [
      explainMisses(["x"], new Map(), 4, true),
      explainMisses(["x"], new Map(), 4),
    ];
    expect(checked[0]?.explanation).toBe("not checked: the complete trace holds no check of it");
    expect(traced[0]?.explanation).toBe("not traced: no detector recorded a check");
  });

  it("explains a score beyond the threshold as an alert that did not arrive", () => {
    const verdicts = addVerdicts([check("x", { score: -7.5 })]);
    const [m] = explainMisses(["x"], verdicts, 4, true);
    expect(m?.kind).toBe("beyond-threshold");
    expect(m?.explanation).toBe(
      "scored -7.50 beyond the threshold 4 but no alert received (3 neighbours)",
    );
  });

  it("counts every kind, 0 when absent, and the insufficient ones by reason", () => {
    const verdicts = addVerdicts([
      check("a", insufficient("sparse")),
      check("b", insufficient("sparse")),
      check("c", insufficient("no_history")),
      check("d", { score: 2 }),
    ]);
    const c = countMisses(explainMisses(["a", "b", "c", "d", "e"], verdicts, 4, false));
    expect(c.missed).toBe(5);
    expect(c.byKind).toEqual({
      "below-threshold": 1,
      "beyond-threshold": 0,
      "scored-unknown": 0,
      insufficient: 3,
      "not-checked": 0,
      "not-traced": 1,
    });
    expect(c.insufficientByReason).toEqual({ sparse: 2, no_history: 1 });
  });
});

describe("what a collected trace covers", () => {
  const collected = (seqs: number[], over: object = {}) => ({
    checks: seqs.map((s) => check(`e${s}`, { seq: s })),
    available: true,
    drainedAtStop: true,
    lastError: null,
    ...over,
  });

  it("is complete when every check was traced, read without a gap, and the last read reached the end", () => {
    const c = traceCoverage(collected([1, 2, 3, 4]), 1);
    expect(c).toEqual({
      sampleRate: 1,
      collected: 4,
      unread: 0,
      complete: true,
      incompleteBecause: null,
    });
  });

  it("counts the checks the ring dropped before they were read (gaps in the sequence)", () => {
    const c = traceCoverage(collected([1, 2, 6, 7]), 1);
    expect(c.unread).toBe(3);
    expect(c.complete).toBe(false);
    expect(c.incompleteBecause).toContain("3 traced checks were dropped");
  });

  it("is incomplete when sampled, never served, or when the last read failed", () => {
    const sampled = traceCoverage(collected([1, 2]), 0.05);
    expect(sampled.unread).toBeNull();
    expect(sampled.incompleteBecause).toContain("share 0.05");
    const failed = traceCoverage(
      collected([1, 2], { drainedAtStop: false, lastError: "ECONNREFUSED" }),
      1,
    );
    expect(failed.complete).toBe(false);
    expect(failed.incompleteBecause).toContain("ECONNREFUSED");
    const none = traceCoverage(collected([], { available: false, drainedAtStop: false }), 1);
    expect(none.incompleteBecause).toBe("the detector never served a trace");
  });

  it("samples checks by a stable draw of their event id", () => {
    const checks = Array.from({ length: 20_000 }, (_, i) => check(`row-${i}`));
    const sample = sampleChecks(checks, 0.05);
    expect(sample.length / checks.length).toBeGreaterThan(0.04);
    expect(sample.length / checks.length).toBeLessThan(0.06);
    expect(sampleChecks(checks, 0.05).map((c) => c.eventId)).toEqual(sample.map((c) => c.eventId));
    expect(sampleChecks(checks, 1)).toHaveLength(20_000);
    expect(idDraw("row-1")).toBe(idDraw("row-1"));
    expect(idDraw("row-1")).not.toBe(idDraw("row-2"));
  });
});

describe("the missed injected anomalies of a row", () => {
  const truths = [
    { id: "n1", magnitude: 0 },
    { id: "small", magnitude: 3.2 },
    { id: "alerted", magnitude: 8 },
    { id: "lonely", magnitude: 9.5 },
    { id: "redelivered", magnitude: 6 },
    { id: "unchecked", magnitude: 7 },
  ];
  const checks = [
    check("n1"),
    check("small", { score: 2.5 }),
    check("alerted", { score: 12 }),
    check("lonely", insufficient("sparse")),
    // Two checks of one event: the later one (higher seq) is its verdict, even read out of order.
    check("redelivered", { score: 3 }),
    check("redelivered", insufficient("no_history")),
  ]
    .map((c, i) => ({ ...c, seq: i + 1 }))
    .reverse();

  it("lists every injected anomaly without an alert, largest first, with its verdict and counts", () => {
    const r = missedAnomalies({
      truths,
      alertedIds: new Set(["alerted", "n-false-alarm"]),
      checks,
      threshold: 4,
      trace: traceCoverage({ checks, available: true, drainedAtStop: true, lastError: null }, 1),
      local: new Set(["small", "redelivered", "unchecked"]),
    });
    expect(r.anomalies).toBe(5);
    expect(r.alerted).toBe(1);
    expect(r.missed.map((m) => [m.id, m.kind, m.magnitude, m.local])).toEqual([
      ["lonely", "insufficient", 9.5, false],
      ["unchecked", "not-checked", 7, true],
      ["redelivered", "insufficient", 6, true],
      ["small", "below-threshold", 3.2, true],
    ]);
    expect(r.missed.find((m) => m.id === "redelivered")?.explanation).toBe(
      "insufficient: no_history (1 neighbours, checked 2 times)",
    );
    expect(r.counts.byKind["insufficient"]).toBe(2);
    expect(r.counts.insufficientByReason).toEqual({ sparse: 1, no_history: 1 });
    expect(r.strongCounts.missed).toBe(3);
    expect(r.strongCounts.byKind["below-threshold"]).toBe(0);
  });

  it("says not traced, not not checked, when the trace was incomplete", () => {
    const r = missedAnomalies({
      truths,
      alertedIds: new Set(),
      checks,
      threshold: 4,
      trace: traceCoverage({ checks, available: true, drainedAtStop: false, lastError: "x" }, 1),
    });
    expect(r.missed.find((m) => m.id === "unchecked")?.kind).toBe("not-traced");
    expect(r.missed.every((m) => m.local === null)).toBe(true);
    expect(r.counts.missed).toBe(5);
  });
});
