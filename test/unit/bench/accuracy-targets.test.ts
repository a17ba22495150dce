import { describe, expect, it } from "vitest";
import { costTargets, distributionTargets } from "../../../bench/lib/accuracy-targets.js";
import type { DistributionDetection } from "../../../bench/lib/detection-figures.js";
import type { TraceRecallFigures } from "../../../bench/lib/trace-recall.js";

const recall = (mean: number | null) => ({ recall: { mean, p10: mean } }) as TraceRecallFigures;
const detection = (precision: number | null, strong: number | null, far: number | null) =>
  ({
    precision,
    strongRecallLocal: { anomalies: 10, detected: 0, recall: strong },
    falseAlarmRate: far,
  }) as DistributionDetection;

describe("accuracy targets", () => {
  it("meets a distribution's target only when all four parts hold", () => {
    expect(distributionTargets("mixed", recall(0.99), detection(0.97, 0.96, 0.0005)).met).toBe(
      true,
    );
    const farMissed = distributionTargets("mixed", recall(0.99), detection(0.97, 0.96, 0.002));
    expect(farMissed.met).toBe(false);
    expect(farMissed.distance).toContain("false alarms 0.100% over");
    expect(distributionTargets("uniform", recall(0.9), detection(0.97, 0.96, 0)).met).toBe(false);
  });

  it("has no verdict while a figure is missing (e.g. no trace, no anomalies)", () => {
    expect(distributionTargets("narrow", null, detection(1, 1, 0)).met).toBeNull();
    expect(distributionTargets("narrow", recall(1), detection(1, null, 0)).met).toBeNull();
  });

  it("reports rows per check and the rate, with the hardware limit when known", () => {
    const [rows, rate, limit] = costTargets(120, 900, 1500);
    expect(rows?.met).toBe(true);
    expect(rate?.met).toBe(false);
    expect(limit?.measured).toBe("1500");
    expect(costTargets(null, null, null)).toHaveLength(2);
  });
});
