import { describe, expect, it } from "vitest";
import { CheckTraceBuffer } from "../../../src/observability/trace.js";
import type { CheckTrace } from "../../../src/pipeline/ports.js";
import { traceCheck } from "../../support/trace-check.js";

/** A traced check as the detector records it: what GET /trace answers, before it has a seq. */
function check(eventId: string): CheckTrace {
  const { seq: _seq, ...entry } = traceCheck({ eventId, lat: 48.85, lon: 2.35 });
  return {
    ...entry,
    reason: null,
    score: 0.5,
    partition: 0,
    offset: "0",
    searchStartedAtMs: 0,
    outcome: "complete",
  };
}

describe("the check trace", () => {
  it("keeps every check at rate 1, numbered from 1, and pages after a cursor", () => {
    const trace = new CheckTraceBuffer(1, 10);
    for (const id of ["a", "b", "c", "d"]) trace.record(() => check(id));
    const all = trace.page(0);
    expect(all.checks.map((c) => [c.seq, c.eventId])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
      [4, "d"],
    ]);
    expect(all).toMatchObject({ next: 4, dropped: 0 });
    const rest = trace.page(2, 1);
    expect(rest.checks.map((c) => c.eventId)).toEqual(["c"]);
    expect(rest.next).toBe(3);
  });

  it("answers an empty page with the cursor it was given once nothing is newer", () => {
    const trace = new CheckTraceBuffer(1, 10);
    trace.record(() => check("a"));
    expect(trace.page(1)).toEqual({ next: 1, dropped: 0, checks: [] });
    expect(trace.page(-5).next).toBe(1);
    expect(new CheckTraceBuffer(1, 10).page(-5)).toEqual({ next: 0, dropped: 0, checks: [] });
  });

  it("drops the oldest past its capacity and counts what it dropped", () => {
    const trace = new CheckTraceBuffer(1, 3);
    for (const id of ["a", "b", "c", "d", "e"]) trace.record(() => check(id));
    const page = trace.page(0);
    expect(page.checks.map((c) => c.eventId)).toEqual(["c", "d", "e"]);
    expect(page.dropped).toBe(2);
    expect(page.checks[0]?.seq).toBe(3);
  });

  it("builds nothing at rate 0: the detector pays nothing for a trace that is off", () => {
    const trace = new CheckTraceBuffer(0, 10);
    let built = 0;
    for (let i = 0; i < 5; i++)
      trace.record(() => {
        built++;
        return check(String(i));
      });
    expect(built).toBe(0);
    expect(trace.page(0).checks).toEqual([]);
  });

  it("keeps the sampled share: a check is kept when the draw falls below the rate", () => {
    const draws = [0.1, 0.6, 0.49, 0.5, 0.9];
    const trace = new CheckTraceBuffer(0.5, 10, () => draws.shift() ?? 1);
    let built = 0;
    for (const id of ["a", "b", "c", "d", "e"])
      trace.record(() => {
        built++;
        return check(id);
      });
    expect(trace.page(0).checks.map((c) => c.eventId)).toEqual(["a", "c"]);
    expect(built).toBe(2);
  });
});
