import { describe, expect, it } from "vitest";
import {
  judgeOverload,
  type OverloadRun,
  type OverloadSample,
} from "../../../test/faults/overload-report.js";

function run(
  overRss: (i: number) => number,
  healthz: (i: number) => number = () => 200,
): OverloadRun {
  const samples: OverloadSample[] = [];
  for (let i = 0; i < 10; i++)
    samples.push({
      tS: i,
      phase: "before",
      rssMiB: 200,
      heapUsedMiB: 80,
      backlog: 0,
      healthz: 200,
      readyz: 200,
    });
  for (let i = 0; i < 20; i++)
    samples.push({
      tS: 10 + i,
      phase: "overload",
      rssMiB: overRss(i),
      heapUsedMiB: 100,
      backlog: 100 * i,
      healthz: healthz(i),
      readyz: 200,
    });
  return {
    startedAt: "",
    machine: "",
    sustainedPerSecond: 100,
    lowPerSecond: 50,
    highPerSecond: 200,
    overloadMinutes: 1,
    overloadEndS: 30,
    drainSeconds: 10,
    p99BeforeMs: 100,
    p99AfterMs: 120,
    crashes: 0,
    samples,
    failures: [],
  };
}

describe("the overload bar", () => {
  it("passes flat memory under a growing backlog", () => {
    expect(judgeOverload(run((i) => 250 + (i % 3) * 20))).toEqual([]);
  });

  it("fails memory that grows with the backlog", () => {
    expect(judgeOverload(run((i) => 250 + i * 30)).join()).toMatch(/RSS peak grew/);
  });

  it("tolerates one missed probe, not two in a row, nor any answer but 200", () => {
    expect(
      judgeOverload(
        run(
          () => 250,
          (i) => (i === 5 ? 0 : 200),
        ),
      ),
    ).toEqual([]);
    expect(
      judgeOverload(
        run(
          () => 250,
          (i) => (i === 5 || i === 6 ? 0 : 200),
        ),
      ).join(),
    ).toMatch(/missed 2 probes in a row/);
    expect(
      judgeOverload(
        run(
          () => 250,
          (i) => (i === 5 ? 503 : 200),
        ),
      ).join(),
    ).toMatch(/answered other than 200/);
  });
});
