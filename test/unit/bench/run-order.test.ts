import { describe, expect, it } from "vitest";
import { runOrder, type RunStep } from "../../../bench/lib/run-order.js";

const names = (steps: RunStep[]): string[] =>
  steps.map(
    (s) =>
      `${s.variant}${s.repeat === undefined ? "" : `#${s.repeat}`}${s.detector === "compared" ? "(B)" : ""}${s.profiled ? "(prof)" : ""}`,
  );

describe("runOrder", () => {
  it("spreads the default row's repeats over the run", () => {
    const steps = runOrder({ others: ["u", "c", "n"], repeats: 3, compare: false, profile: false });
    expect(names(steps)).toEqual(["default#1", "u", "c", "default#2", "n", "default#3"]);
  });

  it("interleaves the compared checkout's runs with this one's, A B A B", () => {
    const steps = runOrder({ others: [], repeats: 3, compare: true, profile: false });
    expect(names(steps)).toEqual([
      "default#1",
      "default#1(B)",
      "default#2",
      "default#2(B)",
      "default#3",
      "default#3(B)",
    ]);
  });

  it("runs a single default row first, and the profiled run as an extra row last", () => {
    const steps = runOrder({ others: ["u", "c"], repeats: 1, compare: false, profile: true });
    expect(names(steps)).toEqual(["default#1", "u", "c", "default(prof)"]);
  });

  it("refuses a repeat count that is not a whole number >= 1", () => {
    expect(() => runOrder({ others: [], repeats: 0, compare: false, profile: false })).toThrow(
      RangeError,
    );
  });
});
