import { describe, expect, it } from "vitest";
import {
  bracket,
  nextRate,
  sustainedRate,
  type RatePhase,
  type RateSearchRule,
} from "../../../bench/lib/rate-search.js";

const RULE: RateSearchRule = {
  startShare: 0.9,
  step: 0.2,
  resolution: 0.05,
  maxPhases: 6,
  minRate: 10,
};

/** Runs the planner against a pipeline that keeps up with any rate up to `capacity`. */
function search(estimate: number, capacity: number, rule = RULE): RatePhase[] {
  const phases: RatePhase[] = [];
  for (let r = nextRate(estimate, phases, rule); r !== null; r = nextRate(estimate, phases, rule)) {
    phases.push({ targetRate: r, achievedRate: r, flat: r <= capacity });
  }
  return phases;
}

describe("rate search", () => {
  it("starts from a share of the drain-rate estimate", () => {
    expect(nextRate(500, [], RULE)).toBe(450);
    expect(nextRate(5, [], RULE)).toBe(10);
  });

  it("steps up while flat, then bisects the bracket to the resolution", () => {
    const phases = search(500, 620);
    expect(phases.map((p) => p.targetRate)).toEqual([450, 540, 648, 592, 619]);
    const found = sustainedRate(phases);
    expect(found).toBe(619);
    expect(found! / 620).toBeGreaterThan(0.95);
  });

  it("steps down from an optimistic estimate until flat", () => {
    const phases = search(1000, 500);
    expect(phases.slice(0, 3).map((p) => p.targetRate)).toEqual([900, 750, 625]);
    const found = sustainedRate(phases);
    expect(found).not.toBeNull();
    expect(found!).toBeLessThanOrEqual(500);
    expect(found! / 500).toBeGreaterThan(0.9);
  });

  it("stops at the phase budget and when the bracket is narrow enough", () => {
    expect(search(500, 620, { ...RULE, maxPhases: 3 })).toHaveLength(3);
    const coarse = search(500, 620, { ...RULE, resolution: 0.25 });
    expect(coarse.map((p) => p.targetRate)).toEqual([450, 540, 648]);
  });

  it("gives up under the minimum rate and reports no sustained rate", () => {
    const phases = search(20, 1, { ...RULE, maxPhases: 20 });
    expect(phases.every((p) => !p.flat)).toBe(true);
    expect(phases.at(-1)!.targetRate).toBeGreaterThanOrEqual(RULE.minRate);
    expect(sustainedRate(phases)).toBeNull();
  });

  it("ignores a not-flat phase below a flat one (noise) when bracketing", () => {
    const phases: RatePhase[] = [
      { targetRate: 400, achievedRate: 400, flat: true },
      { targetRate: 350, achievedRate: 350, flat: false },
      { targetRate: 480, achievedRate: 480, flat: false },
    ];
    expect(bracket(phases).lo?.targetRate).toBe(400);
    expect(bracket(phases).hi?.targetRate).toBe(480);
    expect(nextRate(400, phases, RULE)).toBe(438);
  });

  it("reports what the producer achieved in the highest flat phase", () => {
    const phases: RatePhase[] = [
      { targetRate: 400, achievedRate: 398, flat: true },
      { targetRate: 480, achievedRate: 470, flat: true },
    ];
    expect(sustainedRate(phases)).toBe(470);
  });

  it("rejects an estimate that is not positive", () => {
    expect(() => nextRate(0, [], RULE)).toThrow(RangeError);
  });
});
