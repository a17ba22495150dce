/**
 * The results as data: results.json's top level, read from the default row's UNPROFILED run of
 * this checkout whose sustained rate is the median of its repeats, with the repeats' spread, the
 * commit measured, whether every row drained, and (with --compare) both checkouts side by side.
 */
import type { CapacityFigures } from "../scenarios/capacity.js";
import type { RowResult } from "../scenarios/variants.js";
import { costTargets, distributionTargets } from "./accuracy-targets.js";
import { checkLimit, type CheckCost, type CheckLimit } from "./capacity-model.js";
import type { PerCheck } from "./check-cost.js";
import type { CommitInfo } from "./commit.js";
import { distributionMisses, type DistributionMisses } from "./distribution-misses.js";
import { comparisonOf, defaultRuns, medianRun, type Comparison } from "./comparison.js";
import { TUNING_SEED } from "./options.js";
import type { ProfileSummary } from "./profile-summary.js";
import type { RepeatsSummary } from "./repeats.js";
import { DEFAULT_ROW } from "./run-order.js";
import type { TargetRow } from "./targets.js";

export interface Results {
  readonly generatedAt: string;
  readonly commit: CommitInfo;
  readonly seed: { readonly reported: number; readonly tuning: number; readonly heldOut: boolean };
  readonly options: Record<string, unknown>;
  readonly environment: Record<string, unknown>;
  /** Median sustained checks/s of the default row's repeats (open loop, flat lag). */
  readonly checksPerSecond: number | null;
  readonly repeats: RepeatsSummary;
  /** Every row's warm-up drained before measuring and its lag came back to 0 after. */
  readonly drained: boolean;
  readonly statementsPerCheck: number | null;
  readonly readStatementsPerCheck: number | null;
  readonly writeStatementsPerCheck: number | null;
  readonly statementsFrom: string | null;
  readonly latencyMs: {
    p50: number | null;
    p95: number | null;
    p99: number | null;
    max: number | null;
  };
  readonly latencyRateChecksPerSecond: number | null;
  /** CQL read statements per check (histogram of an earlier release; the mean otherwise). */
  readonly cqlReadsPerCheck: PerCheck;
  readonly cqlWritesPerCheck: number | null;
  /** Mean recall@k of the default row's traced checks, in-flight races left out. */
  readonly neighbourRecall: number | null;
  readonly neighbourRecallWithInFlight: number | null;
  readonly inFlightShare: number | null;
  readonly detection: {
    precision: number | null;
    /** Recall of ≥ 5σ anomalies with a local neighbourhood. */
    recall: number | null;
    /** Recall of all ≥ 5σ anomalies. */
    recallAll: number | null;
    f1: number | null;
    f1Of: string | null;
  };
  readonly cpuSecondsPer1000Checks: number | null;
  readonly rowsReadPerCheck: PerCheck;
  /** Rows written per check (one per stored length). */
  readonly writesPerCheck: number | null;
  readonly coverage: number | null;
  readonly falseAlarmRate: number | null;
  readonly falseAlarmRatePerScored: number | null;
  readonly cassandraCapacity: {
    insertsPerSecond: number | null;
    partitionReadsPerSecond: number | null;
  };
  readonly limitChecksPerSecond: number | null;
  readonly pipelineShareOfLimit: number | null;
  readonly capacity: CapacityFigures | null;
  readonly limit: (CheckLimit & { readonly cost: CheckCost }) | null;
  readonly profile: ProfileSummary | null;
  readonly comparison: Comparison | null;
  readonly targets: TargetRow[];
  /**
   * Per distribution, the injected anomalies not alerted counted by the detector's verdict on
   * them; each names the row (`rows[rowIndex].accuracy.missed`) that lists them one by one.
   */
  readonly missedAnomalies: readonly DistributionMisses[];
  readonly rows: RowResult[];
}

/** The distribution rows: the default (mixed) and one per other distribution. */
export const DISTRIBUTION_ROWS = [
  ["mixed", DEFAULT_ROW],
  ["uniform", "distribution uniform"],
  ["clumped", "distribution clumped"],
  ["narrow", "distribution narrow"],
] as const;

/** The mean cost of the main run's check, as the capacity model charges it. */
export function checkCostOf(run: RowResult | undefined): CheckCost | null {
  const c = run?.cost;
  if (c == null) return null;
  const writes = c.writeStatementsPerCheck;
  const partitions = c.partitionsReadPerCheckCounted ?? c.partitionsPerCheck.mean;
  const rowsRead = c.rowsReadPerCheckCounted ?? c.rowsReadPerCheck.mean;
  if (writes === null || partitions === null || rowsRead === null) return null;
  return {
    writes,
    partitionsRead: partitions,
    rowsRead,
    readStatements: c.readStatementsPerCheck ?? partitions,
    ...(c.rowsWrittenPerCheck === null ? {} : { rowsWritten: c.rowsWrittenPerCheck }),
  };
}

export {
  comparisonOf,
  defaultRuns,
  medianRun,
  type Comparison,
  type SideFigures,
} from "./comparison.js";

export interface ResultsInput {
  readonly generatedAt: string;
  readonly commit: CommitInfo;
  readonly options: Record<string, unknown> & { readonly seed: number };
  readonly environment: Record<string, unknown>;
  readonly rows: RowResult[];
  readonly capacity: CapacityFigures | null;
  readonly profile: ProfileSummary | null;
  readonly compare: { readonly checkout: string; readonly commit: CommitInfo } | null;
}

/** Assembles results.json (see the module comment). */
export function buildResults(input: ResultsInput): Results {
  const { rows, capacity } = input;
  const { run: main, repeats } = medianRun(defaultRuns(rows, "this"));
  const cost = checkCostOf(main);
  const limit = capacity === null || cost === null ? null : { ...checkLimit(cost, capacity), cost };
  const limitRate = limit?.limitChecksPerSecond ?? null;
  const detection = main?.accuracy?.detection;
  const recall = main?.accuracy?.recall;
  const c = main?.cost;
  const comparison =
    input.compare === null
      ? null
      : comparisonOf(rows, input.compare.checkout, input.compare.commit);
  const sustained = repeats.median;
  const pipelineShare = sustained !== null && limitRate ? sustained / limitRate : null;
  const targets: TargetRow[] = [
    ...costTargets({
      checksPerSecond: sustained,
      statementsPerCheck: c?.statementsPerCheck ?? null,
      rowsReadPerCheckP50: c?.rowsReadPerCheck.p50 ?? null,
      p99Ms: main?.halfRate?.latencyMs.p99 ?? null,
      pipelineShareOfLimit: pipelineShare,
      repeatsMaxOverMin: repeats.maxOverMin,
      limitChecksPerSecond: limitRate,
      ...(comparison === null ? {} : { speedupOverPrevious: comparison.ratios.sustainedMedian }),
    }),
    ...DISTRIBUTION_ROWS.map(([distribution, name]) => {
      const r = distributionRun(rows, main, name);
      return distributionTargets(
        distribution,
        r?.accuracy?.recall ?? null,
        r?.accuracy?.detection ?? null,
      );
    }),
  ];
  return {
    generatedAt: input.generatedAt,
    commit: input.commit,
    seed: {
      reported: input.options.seed,
      tuning: TUNING_SEED,
      heldOut: input.options.seed !== TUNING_SEED,
    },
    options: input.options,
    environment: input.environment,
    checksPerSecond: sustained,
    repeats,
    drained: rows.length > 0 && rows.every((r) => r.error === undefined && r.drained),
    statementsPerCheck: c?.statementsPerCheck ?? null,
    readStatementsPerCheck: c?.readStatementsPerCheck ?? null,
    writeStatementsPerCheck: c?.writeStatementsPerCheck ?? null,
    statementsFrom: c?.statementsFrom ?? null,
    latencyMs: {
      p50: main?.halfRate?.latencyMs.p50 ?? null,
      p95: main?.halfRate?.latencyMs.p95 ?? null,
      p99: main?.halfRate?.latencyMs.p99 ?? null,
      max: main?.halfRate?.latencyMs.max ?? null,
    },
    latencyRateChecksPerSecond: main?.halfRate?.achievedRate ?? null,
    cqlReadsPerCheck:
      c === undefined || c === null
        ? { mean: null, p50: null, p99: null }
        : c.cqlReadsPerCheck.mean !== null
          ? c.cqlReadsPerCheck
          : { mean: c.readStatementsPerCheck, p50: null, p99: null },
    cqlWritesPerCheck: c?.writeStatementsPerCheck ?? null,
    neighbourRecall: recall?.recall.mean ?? null,
    neighbourRecallWithInFlight: recall?.recallWithInFlight.mean ?? null,
    inFlightShare: recall?.inFlightShare ?? null,
    detection: {
      precision: detection?.precision ?? null,
      recall: detection?.strongRecallLocal.recall ?? null,
      recallAll: detection?.strongRecallAll.recall ?? null,
      f1: detection?.f1 ?? null,
      f1Of: detection?.f1Of ?? null,
    },
    cpuSecondsPer1000Checks: main?.cpuSecondsPer1000Checks ?? null,
    rowsReadPerCheck: c?.rowsReadPerCheck ?? { mean: null, p50: null, p99: null },
    writesPerCheck: c?.rowsWrittenPerCheck ?? c?.writesPerEvent ?? null,
    coverage: detection?.coverage ?? null,
    falseAlarmRate: detection?.falseAlarmRate ?? null,
    falseAlarmRatePerScored: detection?.falseAlarmRatePerScored ?? null,
    cassandraCapacity: {
      insertsPerSecond: capacity?.insertsPerSecond ?? null,
      partitionReadsPerSecond: capacity?.partitionReadsPerSecond ?? null,
    },
    limitChecksPerSecond: limitRate,
    pipelineShareOfLimit: pipelineShare,
    capacity,
    limit,
    profile: input.profile,
    comparison,
    targets,
    missedAnomalies: DISTRIBUTION_ROWS.map(([distribution, name]) =>
      distributionMisses(distribution, rows, distributionRun(rows, main, name)),
    ),
    rows,
  };
}

/** The run a distribution's figures are read from: the median default run, or the variant's row. */
function distributionRun(
  rows: readonly RowResult[],
  main: RowResult | undefined,
  name: string,
): RowResult | undefined {
  return name === DEFAULT_ROW
    ? main
    : rows.find((x) => x.variant === name && x.detector === "this" && !x.profiled);
}
