/**
 * The accuracy and capacity targets as report rows, from the honest figures: neighbour
 * recall of the traced checks, detection per distribution, rows read per check, and the
 * pipeline's rate against the hardware's limit. Reported with the distance, never asserted.
 */
import type { DistributionDetection } from "./detection-figures.js";
import { allOf, atLeast, atMost, type TargetRow } from "./targets.js";
import type { TraceRecallFigures } from "./trace-recall.js";

/** Goals of the issue, in one place. */
export const ACCURACY_GOALS = {
  neighbourRecall: 0.98,
  precision: 0.95,
  strongRecall: 0.95,
  /** False alarms per normal event. */
  falseAlarmRate: 0.001,
  rowsReadPerCheckP50: 150,
  checksPerSecond: 1000,
} as const;

/** Recall@k, precision, local strong recall and false alarms of one distribution, all required. */
export function distributionTargets(
  distribution: string,
  recall: TraceRecallFigures | null,
  detection: DistributionDetection | null,
): TargetRow {
  const g = ACCURACY_GOALS;
  const far = detection?.falseAlarmRate ?? null;
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
    atMost("false alarms", far === null ? null : far * 100, g.falseAlarmRate * 100, "%", 3),
  ]);
}

/** Rows read per check (median) and the sustained rate, with the hardware's limit beside it. */
export function costTargets(
  rowsReadPerCheckP50: number | null,
  checksPerSecond: number | null,
  limitChecksPerSecond: number | null,
): TargetRow[] {
  const g = ACCURACY_GOALS;
  const rows = [
    atMost("rows read per check (p50)", rowsReadPerCheckP50, g.rowsReadPerCheckP50, "", 0),
    atLeast("sustained checks/s", checksPerSecond, g.checksPerSecond, "", 0),
  ];
  if (limitChecksPerSecond !== null) {
    rows.push(
      atLeast(
        "hardware limit checks/s (Cassandra capacity)",
        limitChecksPerSecond,
        g.checksPerSecond,
        "",
        0,
      ),
    );
  }
  return rows;
}
