import { describe, expect, it } from "vitest";
import { costTargets, distributionTargets } from "../../../bench/lib/accuracy-targets.js";
import type { DistributionDetection } from "../../../bench/lib/detection-figures.js";
import type { NeighbourRecallFigures } from "../../../bench/lib/neighbour-recall.js";

const recall = (mean: number | null) => ({ recall: { mean, p10: mean } }) as NeighbourRecallFigures;
const detection = (precision: number | null, strong: number | null, far: number | null) =>
  ({
    precision,
    strongRecallLocal: { anomalies: 10, detected: 0, recall: strong },
    falseAlarmRatePerScored: far,
  }) as DistributionDetection;

describe("accuracy targets", () => {
  it("meets a distribution's target only when all four parts hold", () => {
    expect(distributionTargets("mixed", recall(0.995), detection(0.97, 0.96, 0.0005)).met).toBe(
      true,
    );
    const farMissed = distributionTargets("mixed", recall(0.995), detection(0.97, 0.96, 0.002));
    expect(farMissed.met).toBe(false);
    expect(farMissed.distance).toContain("false alarms per scored 0.100% over");
    expect(distributionTargets("uniform", recall(0.98), detection(0.97, 0.96, 0)).met).toBe(false);
  });

  it("misses on a definite miss even while another part has no figure", () => {
    // The uniform row: no neighbourhood, so no precision or recall, but recall@k was measured.
    const uniform = distributionTargets("uniform", recall(0.963), detection(null, null, 0));
    expect(uniform.met).toBe(false);
    expect(uniform.measured).toContain("precision n/a");
  });

  it("has no verdict while a figure is missing and nothing is missed", () => {
    expect(distributionTargets("narrow", null, detection(1, 1, 0)).met).toBeNull();
    expect(distributionTargets("narrow", recall(1), detection(1, null, 0)).met).toBeNull();
  });

  it("reports cost, rate, latency and repeatability, with the limit and the comparison when known", () => {
    const base = {
      rowsReadPerCheckP50: 120,
      statementsPerCheck: 1.6,
      checksPerSecond: 900,
      limitChecksPerSecond: 1500,
      pipelineShareOfLimit: 0.6,
      p99Ms: 80,
      repeatsMaxOverMin: 1.2,
    };
    const rows = costTargets(base);
    const met = Object.fromEntries(rows.map((r) => [r.target, r.met]));
    expect(met).toMatchObject({
      "sustained checks/s (open loop, flat lag)": false,
      "Cassandra statements per check (mean)": true,
      "rows read per check (p50)": true,
      "p99 end-to-end at half the sustained rate": true,
      "pipeline share of the measured limit": false,
      "default row max / min over its repeats": false,
      "hardware limit checks/s (Cassandra capacity)": true,
    });
    expect(costTargets({ ...base, limitChecksPerSecond: null })).toHaveLength(6);
    const compared = costTargets({ ...base, speedupOverPrevious: 2.4 });
    expect(compared.at(-1)).toMatchObject({ met: true, measured: "2.40×" });
  });
});
