/**
 * Sections of the markdown report that stand on their own: the before/after comparison, the
 * sustained-rate search of every row, accuracy per row, and Cassandra's raw capacity.
 */
import type { CapacityFigures } from "../scenarios/capacity.js";
import type { RowResult } from "../scenarios/variants.js";
import type { CheckCost, CheckLimit } from "./capacity-model.js";
import type { DistributionDetection } from "./detection-figures.js";
import type { NeighbourRecallFigures } from "./neighbour-recall.js";
import type { Comparison, SideFigures } from "./results.js";
import { quantile } from "./stats.js";

export const f = (v: number | null | undefined, d = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(d);
export const pct = (v: number | null | undefined, d = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : `${(v * 100).toFixed(d)}%`;

/** A row's name in tables: the variant, and which run of the default row it is. */
export function rowLabel(r: RowResult): string {
  const run = r.repeat === undefined ? "" : ` #${r.repeat}`;
  const who = r.detector === "compared" ? " (compared)" : "";
  return `${r.variant}${run}${who}${r.profiled ? " (profiled)" : ""}`;
}

function side(s: SideFigures): string[] {
  const r = s.repeats;
  return [
    `${f(r.min, 0)} / ${f(r.median, 0)} / ${f(r.max, 0)} (max/min ${f(r.maxOverMin, 2)})`,
    `${f(s.statementsPerCheck, 2)} (${s.statementsFrom ?? "–"})`,
    f(s.rowsReadPerCheckP50, 0),
    f(s.cpuSecondsPer1000Checks, 2),
    f(s.p99Ms, 1),
    f(s.neighbourRecall, 3),
    f(s.precision, 3),
    s.drained ? "yes" : "no",
  ];
}

/** Before/after: both checkouts' default row, run interleaved on the same servers. */
export function renderComparison(c: Comparison | null): string[] {
  if (c === null) return [];
  const labels = [
    "sustained checks/s, min / median / max",
    "Cassandra statements per check",
    "rows read per check, p50",
    "detector CPU s per 1,000 checks",
    "p99 end to end at half rate, ms",
    "neighbour recall@k",
    "precision",
    "drained",
  ];
  const a = side(c.this);
  const b = side(c.compared);
  const ratios = [
    c.ratios.sustainedMedian,
    c.ratios.statementsPerCheck,
    null,
    c.ratios.cpuSecondsPer1000Checks,
    c.ratios.p99Ms,
    null,
    null,
    null,
  ];
  return [
    "## Before / after (default row, interleaved on the same servers)",
    "",
    `Compared checkout: commit ${c.commit.sha ?? "unknown"}${c.commit.dirty === true ? " (dirty)" : ""}. Each of its runs followed one of this checkout's.`,
    "",
    "| figure | this checkout | compared | this / compared |",
    "|---|---|---|---|",
    ...labels.map(
      (l, i) =>
        `| ${l} | ${a[i] ?? "–"} | ${b[i] ?? "–"} | ${ratios[i] == null ? "" : `${f(ratios[i], 2)}×`} |`,
    ),
    "",
  ];
}

/** Every row's paced phases: rate asked, rate sent, verdict, lag slope and final lag. */
export function renderRateSearch(rows: readonly RowResult[]): string[] {
  const lines = [
    "## Sustained-rate search (open loop, paced; flat = the group's lag did not grow)",
    "",
    "| row | warm-up (events, drain-rate guess, drained) | phases: asked → sent/s verdict (lag slope/s, final lag) | sustained | drained |",
    "|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const s = r.sustained;
    if (s === null) {
      lines.push(`| ${rowLabel(r)} | – | ${r.error === undefined ? "–" : "error"} | – | no |`);
      continue;
    }
    const phases = s.phases
      .map(
        (p) =>
          `${p.targetRate} → ${f(p.achievedRate, 0)} ${p.flat ? "flat" : "**not flat**"} (${f(p.lag.slopePerSecond, 1)}, ${f(p.lag.finalLag, 0)})`,
      )
      .join("; ");
    lines.push(
      `| ${rowLabel(r)} | ${s.warmUp.events}, ${f(s.warmUp.drainRateEstimate, 0)}/s, ${s.warmUp.drained ? "yes" : "**no**"} | ${phases}${s.stoppedBecause === null ? "" : ` (stopped: ${s.stoppedBecause})`} | ${f(s.checksPerSecond, 0)} | ${r.drained ? "yes" : "**no**"} |`,
    );
  }
  return [...lines, ""];
}

/** One row's accuracy figures, for {@link renderAccuracy}. */
export interface AccuracyRow {
  readonly row: string;
  readonly recall: NeighbourRecallFigures | null;
  readonly detection: DistributionDetection | null;
}

function reasons(d: DistributionDetection | null): string {
  if (d === null) return "–";
  const parts = Object.entries(d.insufficient.byReason)
    .sort((a, b) => b[1].count - a[1].count)
    .map(([reason, v]) => `${reason} ${v.count}`);
  if (d.insufficient.unattributed > 0) parts.push(`unattributed ${d.insufficient.unattributed}`);
  return parts.length === 0 ? "none" : parts.join(", ");
}

function byMagnitude(d: DistributionDetection | null): string {
  return d === null
    ? "–"
    : Object.entries(d.byMagnitude)
        .filter(([, v]) => v.local.anomalies > 0)
        .map(([m, v]) => `${m}σ ${f(v.local.recall, 2)} (n=${v.local.anomalies})`)
        .join("; ");
}

/**
 * The accuracy section: neighbour recall of the checks the detector really ran against the final
 * store (missing neighbours in flight / lost / missed), and detection with coverage, reasons,
 * false alarms per normal and per scored normal event, precision and both recalls.
 */
export function renderAccuracy(rows: readonly AccuracyRow[]): string[] {
  return [
    "## Accuracy (traced checks against the final store; detection per row)",
    "",
    "| row | checks compared | recall@k mean / p10 | with in-flight | missing: in flight / lost / search (same partition) | later same-partition returned | coverage | insufficient by reason | false alarms per normal / per scored | precision | recall ≥ 5σ local / all | F1 | local recall by magnitude |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows
      .map(({ row, recall: r, detection: d }) =>
        [
          row,
          r === null
            ? "–"
            : `${r.evaluated}${r.unknownEvents > 0 ? ` (+${r.unknownEvents} unknown)` : ""}`,
          `${f(r?.recall.mean, 3)} / ${f(r?.recall.p10, 3)}`,
          f(r?.recallWithInFlight.mean, 3),
          r === null
            ? "–"
            : `${r.missingInFlight} / ${r.missingLost} / ${r.missingSearch} (${r.missingSearchSamePartition})`,
          r === null ? "–" : String(r.extraLaterSamePartition),
          pct(d?.coverage),
          reasons(d),
          `${pct(d?.falseAlarmRate, 3)} / ${pct(d?.falseAlarmRatePerScored, 3)}`,
          f(d?.precision, 3),
          `${f(d?.strongRecallLocal.recall, 3)} / ${f(d?.strongRecallAll.recall, 3)}`,
          f(d?.f1, 3),
          byMagnitude(d),
        ].join(" | "),
      )
      .map((line) => `| ${line} |`),
  ];
}

/** "per second 4963–16642, median 11387": how steady a closed-loop rate was. */
function steadiness(perSecond: readonly number[]): string {
  if (perSecond.length === 0) return "";
  const median = quantile(perSecond, 0.5);
  return `; per second ${Math.min(...perSecond)}–${Math.max(...perSecond)}, median ${f(median, 0)}`;
}

/**
 * The capacity section of the report: raw Cassandra capacity and, when a check's mean cost is
 * known, the limit in checks/s it allows and where a check's time goes.
 */
export function renderCapacity(
  c: CapacityFigures,
  limit: (CheckLimit & { readonly cost: CheckCost }) | null = null,
): string[] {
  const lines = [
    "## Cassandra capacity (product driver settings, no detector, no Kafka)",
    "",
    `- single-row inserts: **${f(c.insertsPerSecond, 0)}/s** (${c.inserts.count} in ${c.seconds} s, ${c.inserts.errors} errors, client ${f(c.inserts.clientCores, 2)} cores${steadiness(c.inserts.perSecond)})`,
    ...(c.groupedInserts == null
      ? []
      : [
          `- grouped inserts (unlogged batches of ${c.groupedInserts.rowsPerStatement} rows, each in its own partition): **${f(c.groupedInserts.statementsPerSecond, 0)}/s**, ${f(c.groupedInserts.rowsPerSecond, 0)} rows/s (${c.groupedInserts.errors} errors, ${c.groupedInserts.concurrency} in flight, client ${f(c.groupedInserts.clientCores, 2)} cores${steadiness(c.groupedInserts.perSecond)})`,
        ]),
    ...c.byRowsPerPartition.map(
      (r) =>
        `- single-partition reads of ${r.rowsPerPartition} rows: **${f(r.partitionReadsPerSecond, 0)}/s**, ${f(r.rowsPerSecond, 0)} rows/s (${r.errors} errors${r.unexpectedRowCounts > 0 ? `, ${r.unexpectedRowCounts} with an unexpected row count` : ""}, client ${f(r.clientCores, 2)} cores${steadiness(r.perSecond)})`,
    ),
    ...(c.multiPartitionReads === null
      ? []
      : [
          `- one read over ${c.multiPartitionReads.partitionsPerRead} partitions (\`cell IN ?\`) of ${c.multiPartitionReads.rowsPerPartition} rows each: **${f(c.multiPartitionReads.readsPerSecond, 0)}/s**, ${f(c.multiPartitionReads.partitionsPerSecond, 0)} partitions/s, ${f(c.multiPartitionReads.rowsPerSecond, 0)} rows/s (${c.multiPartitionReads.errors} errors${c.multiPartitionReads.unexpectedRowCounts > 0 ? `, ${c.multiPartitionReads.unexpectedRowCounts} with an unexpected row count` : ""}, client ${f(c.multiPartitionReads.clientCores, 2)} cores${steadiness(c.multiPartitionReads.perSecond)})`,
        ]),
    `- ${c.concurrency} statements in flight, ${c.warmupSeconds} s warm-up + ${c.seconds} s per measurement, consistency ${c.consistency}, table of geohash length ${c.geohashLength}, reads from ${c.partitions} partitions of ${c.storedRowsPerPartition} rows; 1-min load average ${f(c.loadAverage.before, 2)} before, ${f(c.loadAverage.after, 2)} after`,
  ];
  if (limit !== null) {
    const share = (v: number): string => `${f(v * 100, 0)}%`;
    lines.push(
      `- limit for a check of ${f(limit.cost.writes, 2)} write statements ${limit.writeCost === null || limit.cost.rowsWritten === undefined ? "(each charged as one single-row insert)" : `carrying ${f(limit.cost.rowsWritten, 1)} rows (priced apart from the grouped inserts: ${f(limit.writeCost.secondsPerStatement * 1e6, 0)} µs per statement, ${f(limit.writeCost.secondsPerRow * 1e6, 0)} µs per row)`}, ${f(limit.cost.partitionsRead, 2)} partitions in ${f(limit.cost.readStatements ?? limit.cost.partitionsRead, 2)} read statements and ${f(limit.cost.rowsRead, 1)} rows read: **${f(limit.limitChecksPerSecond, 0)} checks/s** (time per check: writes ${share(limit.shares.writes)}, statements ${share(limit.shares.statements)}, partitions ${share(limit.shares.partitions)}, rows ${share(limit.shares.rows)})${limit.readCost?.statementCostKnown === false ? "; no multi-partition read measured, so a statement's fixed cost is charged per partition" : ""}`,
    );
  }
  if (c.firstError !== null) lines.push(`- first error: ${c.firstError}`);
  return lines;
}
