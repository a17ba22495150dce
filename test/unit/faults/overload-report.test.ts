import { describe, expect, it } from "vitest";
import {
  judgeOverload,
  type OverloadRun,
  type OverloadSample,
} from "../../../faults/overload-report.js";

function run(
  overRss: (i: number) => number,
  healthz: (i: number) => number = () => 200,
  overHeap: (i: number) => number = (i) => (i % 4 === 0 ? 60 : 150 + 10 * i),
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
      heapUsedMiB: overHeap(i),
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
  it("passes a heap whose low points stay flat while its peaks and the backlog grow", () => {
    expect(judgeOverload(run((i) => 250 + i * 20))).toEqual([]);
  });

  it("fails a heap whose low points grow with the backlog", () => {
    const failures = judgeOverload(
      run(
        () => 250,
        undefined,
        (i) => 60 + i * 10,
      ),
    ).join();
    expect(failures).toMatch(/heap low point grew from 60 to 200 MiB with the backlog/);
  });

  it("fails RSS over the stated bound, and a run without heap figures", () => {
    expect(judgeOverload(run((i) => (i === 7 ? 1100 : 250))).join()).toMatch(
      /RSS reached 1100 MiB, over 1024 MiB/,
    );
    expect(
      judgeOverload(
        run(
          () => 250,
          undefined,
          () => 0,
        ),
      ).join(),
    ).toMatch(/no heap figures/);
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
