/**
 * The results as data (the JSON's top level and its targets) and as a short markdown report.
 */
import type { CapacityFigures } from "../scenarios/capacity.js";
import type { RowResult } from "../scenarios/variants.js";
import { costTargets, distributionTargets } from "./accuracy-targets.js";
import type { CheckCost, CheckLimit } from "./capacity-model.js";
import type { DistributionDetection } from "./detection-figures.js";
import type { ProfileSummary } from "./profile-summary.js";
import { atMost, type TargetRow } from "./targets.js";
import { quantile } from "./stats.js";
import type { TraceRecallFigures } from "./trace-recall.js";

type PerCheck = { mean: number | null; p50: number | null; p99: number | null };

export interface Results {
  readonly generatedAt: string;
  readonly options: Record<string, unknown>;
  readonly environment: Record<string, unknown>;
  readonly checksPerSecond: number | null;
  readonly latencyMs: {
    p50: number | null;
    p95: number | null;
    p99: number | null;
    max: number | null;
  };
  readonly latencyRateChecksPerSecond: number | null;
  /** CQL read statements per check. */
  readonly cqlReadsPerCheck: PerCheck;
  readonly cqlWritesPerCheck: number | null;
  /** Mean neighbour recall@k of the default row's traced checks. */
  readonly neighbourRecall: number | null;
  readonly detection: { precision: number | null; recall: number | null; f1: number | null };
  readonly cpuSecondsPer1000Checks: number | null;
  readonly rowsReadPerCheck: PerCheck;
  readonly writesPerCheck: number | null;
  /** Share of the default row's checks that were scored (not insufficient). */
  readonly coverage: number | null;
  /** False alarms per normal event checked, default row. */
  readonly falseAlarmRate: number | null;
  readonly cassandraCapacity: {
    insertsPerSecond: number | null;
    partitionReadsPerSecond: number | null;
  };
  /** Checks/s the measured Cassandra capacity allows for the default row's mean check. */
  readonly limitChecksPerSecond: number | null;
  readonly pipelineShareOfLimit: number | null;
  readonly capacity: CapacityFigures | null;
  readonly limit: (CheckLimit & { readonly cost: CheckCost }) | null;
  readonly profile: ProfileSummary | null;
  readonly targets: TargetRow[];
  readonly rows: RowResult[];
}

const row = (rows: readonly RowResult[], name: string): RowResult | undefined =>
  rows.find((r) => r.variant === name);

/** The distribution rows: the default (mixed) and one per other distribution. */
export const DISTRIBUTION_ROWS = [
  ["mixed", "default"],
  ["uniform", "distribution uniform"],
  ["clumped", "distribution clumped"],
  ["narrow", "distribution narrow"],
] as const;

/** The targets of the issue, read from the default row, the distribution rows and the capacity. */
export function targets(
  rows: readonly RowResult[],
  main: RowResult | undefined,
  limit: number | null,
): TargetRow[] {
  return [
    ...costTargets(main?.rowsReadPerCheck?.p50 ?? null, main?.checksPerSecond ?? null, limit),
    atMost("p99 end-to-end at half rate", main?.halfRate?.latencyMs.p99 ?? null, 100, " ms", 1),
    ...DISTRIBUTION_ROWS.map(([distribution, name]) => {
      const r = row(rows, name);
      return distributionTargets(
        distribution,
        r?.accuracy?.recall ?? null,
        r?.accuracy?.detection ?? null,
      );
    }),
  ];
}

const f = (v: number | null | undefined, d = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(d);
const pct = (v: number | null | undefined, d = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : `${(v * 100).toFixed(d)}%`;

function stops(r: RowResult): string {
  return Object.entries(r.stopLengths)
    .sort((a, b) => Number(b[0]) - Number(a[0]))
    .map(([len, share]) => `L${len}:${(share * 100).toFixed(0)}%`)
    .join(" ");
}

function perCheck(p: PerCheck | null | undefined, d = 0): string {
  const q = (v: number | null | undefined): string => (v === Infinity ? ">max" : f(v, d));
  return `${f(p?.mean, 1)}/${q(p?.p50)}/${q(p?.p99)}`;
}

function profileLines(p: ProfileSummary | null): string[] {
  if (p === null) return [];
  return [
    "## Detector profile (default row, `--profile`)",
    "",
    `- ${p.samples} samples, busy ${pct(p.busy, 0)} of the time (the rest waiting on I/O)`,
    `- busy time by owner: ${p.byOwner.map((o) => `${o.name} ${pct(o.share, 0)}`).join(", ")}`,
    `- hottest functions (self time): ${p.topFunctions.map((o) => `${o.name} ${pct(o.share, 1)}`).join("; ")}`,
    "",
  ];
}

/** The markdown report. */
export function renderReport(res: Results): string {
  const accuracyRows = res.rows
    .filter((r) => r.error === undefined)
    .map((r) => ({
      distribution: r.variant,
      recall: r.accuracy?.recall ?? null,
      detection: r.accuracy?.detection ?? null,
    }));
  const lines = [
    `# geoanomaly benchmark ${res.options["quick"] === true ? "(quick)" : "(full)"}`,
    "",
    `Generated ${res.generatedAt} on ${String(res.environment["cpus"])} cores, Node ${String(res.environment["node"])}, 1-min load average ${String(res.environment["loadAverageStart"])} at start; Kafka, Cassandra, the detector (child process) and the load generator share the machine.`,
    "",
    "## Targets (reported, never asserted)",
    "",
    "| target | goal | measured | met | distance |",
    "|---|---|---|---|---|",
    ...res.targets.map(
      (t) =>
        `| ${t.target} | ${t.goal} | ${t.measured} | ${t.met === null ? "n/a" : t.met ? "met" : "missed"} | ${t.distance} |`,
    ),
    "",
    "## Headline (default row: mixed distribution, default settings)",
    "",
    `- sustained: **${f(res.checksPerSecond, 0)} checks/s** (consumed, stored at every stored length, searched, scored, committed); Cassandra's measured capacity allows **${f(res.limitChecksPerSecond, 0)} checks/s** of this cost; pipeline at ${pct(res.pipelineShareOfLimit, 0)} of it`,
    `- end-to-end latency at ${f(res.latencyRateChecksPerSecond, 0)} events/s (half the sustained rate): p50 ${f(res.latencyMs.p50)} ms, p95 ${f(res.latencyMs.p95)} ms, p99 ${f(res.latencyMs.p99)} ms, max ${f(res.latencyMs.max)} ms`,
    `- cost per check: ${f(res.writesPerCheck, 0)} writes; rows read mean ${f(res.rowsReadPerCheck.mean, 1)}, p50 ≤ ${f(res.rowsReadPerCheck.p50, 0)}, p99 ≤ ${f(res.rowsReadPerCheck.p99, 0)}; CQL reads mean ${f(res.cqlReadsPerCheck.mean, 2)}`,
    `- neighbour recall@k (traced checks vs brute force): ${f(res.neighbourRecall, 3)}; coverage ${pct(res.coverage)}; false alarms ${pct(res.falseAlarmRate, 3)} of normal events; precision ${f(res.detection.precision, 3)}, recall ≥ 5σ (local) ${f(res.detection.recall, 3)}`,
    `- detector CPU: ${f(res.cpuSecondsPer1000Checks, 2)} s per 1,000 checks`,
    "",
    "## Rows",
    "",
    "| variant | checks/s | rows read mean/p50/p99 | partitions mean/p50/p99 | reads mean/p50/p99 | writes | recall@k | coverage | false alarms | precision | recall ≥5σ local | CPU s/1k | window cut | stop lengths |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...res.rows.map((r) => {
      if (r.error !== undefined)
        return `| ${r.variant} | error: ${r.error.replace(/\|/g, "/").slice(0, 300)} |||||||||||||`;
      const d = r.accuracy?.detection;
      return `| ${r.variant} | ${f(r.checksPerSecond, 0)} | ${perCheck(r.rowsReadPerCheck)} | ${perCheck(r.partitionsPerCheck)} | ${perCheck(r.cqlReadsPerCheck)} | ${f(r.writesPerCheck, 0)} | ${f(r.accuracy?.recall.recall.mean, 3)} | ${pct(d?.coverage)} | ${pct(d?.falseAlarmRate, 2)} | ${f(d?.precision, 3)} | ${f(d?.strongRecallLocal.recall, 3)} | ${f(r.cpuSecondsPer1000Checks, 2)} | ${pct(r.windowCutShare)} | ${stops(r)} |`;
    }),
    "",
    ...renderAccuracy(accuracyRows),
    "",
    ...(res.capacity === null ? [] : [...renderCapacity(res.capacity, res.limit), ""]),
    ...profileLines(res.profile),
    "## How it was measured",
    "",
    "- Each row: its own topics, keyspace and group; the detector runs as `node bin/geoanomaly.js detect` (for the data-model rows, `bench/model-detector.ts`: the same composition root with the model's store), a child process configured by environment variables; figures come from its /metrics, /latency (HDR histogram), /trace and /proc/<pid>/stat (utime+stime / 100).",
    "- Warm-up: normal events (injected anomalies replaced by the baseline value) are produced and checked first and never scored. Then events are produced as fast as the pipeline takes them (at most `backlog` produced but not yet checked); checks/s is the counter's increase over the last 75% of that phase, sampled every second. The latency target is read at half the sustained rate.",
    "- Cost per check: the detector's histograms `geoanomaly_search_rows_per_check`, `geoanomaly_search_partitions_per_check`, `geoanomaly_cql_queries_per_check` over the measured phases (quantiles are histogram bucket bounds); writes per check from `geoanomaly_store_writes_per_event`.",
    "- Neighbour recall@k: the detector traces a sample of the checks it really ran (`TRACE_SAMPLE_RATE`, GET /trace: neighbour ids, distance bound, covered radius, time window). Each is compared with brute force over the generated events with the same bound and window; a missing neighbour that was still in flight (produced after the check, or within the pipeline's concurrency before it) counts as a race, not a search miss.",
    "- Detection: alerts from the alert topic matched to labels by event id. Coverage and insufficient reasons come from the detector's counters over the measured phases. False alarms are alerted normal events over normal events. Recall ≥ 5σ counts the anomalies that had a local neighbourhood: at least MIN_NEIGHBOURS earlier events within the distance bound (brute force over the event log).",
    "- Cassandra capacity: the product's driver settings and table shape, no detector and no Kafka, closed loop at fixed concurrency (`npm run bench:capacity` alone). The limit in checks/s charges the default row's mean check (writes, statements, partitions, rows) at the measured costs.",
    "- Single-table models (clustering-columns, prefix-range, secondary-index) partition by (g1, bucket) with the shortest bucket of the layout; a read takes every row of a cell in the window (their rows are not in time order, so no per-partition row bound applies). Cassandra 5 rejects an indexed select with `bucket IN ?`, so the secondary-index model reads a bucket range with ALLOW FILTERING.",
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The capacity section of the report: raw Cassandra capacity and, when a check's mean cost is
 * known, the limit in checks/s it allows and where a check's time goes.
 */
/** "per second 4963–16642, median 11387": how steady a closed-loop rate was. */
function steadiness(perSecond: readonly number[]): string {
  if (perSecond.length === 0) return "";
  const median = quantile(perSecond, 0.5);
  return `; per second ${Math.min(...perSecond)}–${Math.max(...perSecond)}, median ${f(median, 0)}`;
}

export function renderCapacity(
  c: CapacityFigures,
  limit: (CheckLimit & { readonly cost: CheckCost }) | null = null,
): string[] {
  const lines = [
    "## Cassandra capacity (product driver settings, no detector, no Kafka)",
    "",
    `- single-row inserts: **${f(c.insertsPerSecond, 0)}/s** (${c.inserts.count} in ${c.seconds} s, ${c.inserts.errors} errors, client ${f(c.inserts.clientCores, 2)} cores${steadiness(c.inserts.perSecond)})`,
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
    const pct = (v: number): string => `${f(v * 100, 0)}%`;
    lines.push(
      `- limit for a check of ${f(limit.cost.writes, 2)} writes, ${f(limit.cost.partitionsRead, 2)} partitions in ${f(limit.cost.readStatements ?? limit.cost.partitionsRead, 2)} read statements and ${f(limit.cost.rowsRead, 1)} rows read: **${f(limit.limitChecksPerSecond, 0)} checks/s** (time per check: writes ${pct(limit.shares.writes)}, statements ${pct(limit.shares.statements)}, partitions ${pct(limit.shares.partitions)}, rows ${pct(limit.shares.rows)})${limit.readCost?.statementCostKnown === false ? "; no multi-partition read measured, so a statement's fixed cost is charged per partition" : ""}`,
    );
  }
  if (c.firstError !== null) lines.push(`- first error: ${c.firstError}`);
  return lines;
}

/** One distribution's honest accuracy figures, for {@link renderAccuracy}. */
export interface AccuracyRow {
  readonly distribution: string;
  readonly recall: TraceRecallFigures | null;
  readonly detection: DistributionDetection | null;
}

/**
 * The accuracy section: neighbour recall of the checks the detector really ran (traced), and
 * detection with coverage, insufficient reasons and false alarms, one line per distribution.
 */
export function renderAccuracy(rows: readonly AccuracyRow[]): string[] {
  const pct = (v: number | null | undefined, d = 1): string =>
    v === null || v === undefined ? "–" : `${f(v * 100, d)}%`;
  const reasons = (d: DistributionDetection | null): string => {
    if (d === null) return "–";
    const parts = Object.entries(d.insufficient.byReason)
      .sort((a, b) => b[1].count - a[1].count)
      .map(([reason, v]) => `${reason} ${v.count}`);
    if (d.insufficient.unattributed > 0) parts.push(`unattributed ${d.insufficient.unattributed}`);
    return parts.length === 0 ? "none" : parts.join(", ");
  };
  const byMagnitude = (d: DistributionDetection | null): string =>
    d === null
      ? "–"
      : Object.entries(d.byMagnitude)
          .map(([m, v]) => `${m}σ ${f(v.local.recall, 2)} (n=${v.local.anomalies})`)
          .join("; ");
  return [
    "## Accuracy (traced checks of the detector; detection per distribution)",
    "",
    "| distribution | traced | recall@k mean / p10 | without in-flight | complete | neighbours ≠ brute force (race / miss) | coverage | insufficient by reason | false alarms | precision | recall ≥ 5σ local (all) | local recall by magnitude |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows
      .map(({ distribution, recall: r, detection: d }) =>
        [
          distribution,
          r === null
            ? "–"
            : `${r.evaluated}${r.unknownEvents > 0 ? ` (+${r.unknownEvents} unknown)` : ""}`,
          `${f(r?.recall.mean, 3)} / ${f(r?.recall.p10, 3)}`,
          f(r?.recallWithoutInFlight.mean, 3),
          pct(r?.completeShare),
          r === null
            ? "–"
            : `${pct(r.mismatchedShare)} (${r.mismatchedRaceOnly} / ${r.mismatchedSearchMiss})`,
          pct(d?.coverage),
          reasons(d),
          pct(d?.falseAlarmRate, 2),
          f(d?.precision, 3),
          `${f(d?.strongRecallLocal.recall, 3)} (${f(d?.strongRecallAll.recall, 3)})`,
          byMagnitude(d),
        ].join(" | "),
      )
      .map((line) => `| ${line} |`),
  ];
}
