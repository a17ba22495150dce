/**
 * The accuracy and cost targets as report rows: neighbour recall against the final store,
 * detection per distribution, statements and rows per check, the sustained rate, the pipeline's
 * share of the hardware's limit, and repeatability. Reported with the distance, never asserted.
 */
import type { DistributionDetection } from "./detection-figures.js";
import type { NeighbourRecallFigures } from "./neighbour-recall.js";
import { allOf, atLeast, atMost, type TargetRow } from "./targets.js";

/** Goals of the issue, in one place. */
export const GOALS = {
  neighbourRecall: 0.99,
  precision: 0.95,
  strongRecall: 0.95,
  /** False alarms per scored normal event. */
  falseAlarmRatePerScored: 0.001,
  rowsReadPerCheckP50: 150,
  statementsPerCheck: 2,
  checksPerSecond: 1000,
  p99Ms: 100,
  pipelineShareOfLimit: 0.7,
  repeatsMaxOverMin: 1.15,
  speedupOverPrevious: 2,
} as const;

/**
 * Recall@k (in-flight races left out, lost writes counted), precision, local strong recall and
 * false alarms per scored normal event of one distribution: all required, and a definite miss of
 * one part misses the target even when another part has no figure.
 */
export function distributionTargets(
  distribution: string,
  recall: NeighbourRecallFigures | null,
  detection: DistributionDetection | null,
): TargetRow {
  const g = GOALS;
  const far = detection?.falseAlarmRatePerScored ?? null;
  return allOf(`${distribution}: recall@k, precision, recall ≥ 5σ, false alarms`, [
    atLeast("recall@k", recall?.recall.mean ?? null, g.neighbourRecall, "", 3),
    atLeast("precision", detection?.precision ?? null, g.precision, "", 3),
    atLeast(
      "recall ≥ 5σ (local)",
      detection?.strongRecallLocal.recall ?? null,
      g.strongRecall,
      "",
      3,
    ),
    atMost(
      "false alarms per scored",
      far === null ? null : far * 100,
      g.falseAlarmRatePerScored * 100,
      "%",
      3,
    ),
  ]);
}

/** What the cost targets are read from (the default row's median repeat and the capacity). */
export interface CostFigures {
  readonly rowsReadPerCheckP50: number | null;
  readonly statementsPerCheck: number | null;
  readonly checksPerSecond: number | null;
  readonly limitChecksPerSecond: number | null;
  readonly pipelineShareOfLimit: number | null;
  readonly p99Ms: number | null;
  readonly repeatsMaxOverMin: number | null;
  /** This checkout's sustained rate over the compared checkout's (only with --compare). */
  readonly speedupOverPrevious?: number | null;
}

/** Cost, rate, latency and repeatability targets, with the hardware's limit beside them. */
export function costTargets(c: CostFigures): TargetRow[] {
  const g = GOALS;
  const rows = [
    atLeast(
      "sustained checks/s (open loop, flat lag)",
      c.checksPerSecond,
      g.checksPerSecond,
      "",
      0,
    ),
    atMost(
      "Cassandra statements per check (mean)",
      c.statementsPerCheck,
      g.statementsPerCheck,
      "",
      2,
    ),
    atMost("rows read per check (p50)", c.rowsReadPerCheckP50, g.rowsReadPerCheckP50, "", 0),
    atMost("p99 end-to-end at half the sustained rate", c.p99Ms, g.p99Ms, " ms", 1),
    atLeast(
      "pipeline share of the measured limit",
      c.pipelineShareOfLimit,
      g.pipelineShareOfLimit,
      "",
      2,
    ),
    atMost(
      "default row max / min over its repeats",
      c.repeatsMaxOverMin,
      g.repeatsMaxOverMin,
      "",
      3,
    ),
  ];
  if (c.limitChecksPerSecond !== null) {
    rows.push(
      atLeast(
        "hardware limit checks/s (Cassandra capacity)",
        c.limitChecksPerSecond,
        g.checksPerSecond,
        "",
        0,
      ),
    );
  }
  if (c.speedupOverPrevious !== undefined) {
    rows.push(
      atLeast(
        "sustained vs the compared checkout",
        c.speedupOverPrevious ?? null,
        g.speedupOverPrevious,
        "×",
        2,
      ),
    );
  }
  return rows;
}
