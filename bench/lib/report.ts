/**
 * The results as data (the JSON's top level and its targets) and as a short markdown report.
 */
import type { CapacityFigures } from "../scenarios/capacity.js";
import type { CeilingFigures } from "../scenarios/ceiling.js";
import type { RowResult } from "../scenarios/variants.js";
import type { CheckCost, CheckLimit } from "./capacity-model.js";
import type { DistributionDetection } from "./detection-figures.js";
import { allOf, atLeast, atMost, type TargetRow } from "./targets.js";
import { quantile } from "./stats.js";
import type { TraceRecallFigures } from "./trace-recall.js";

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
  readonly cqlReadsPerCheck: { mean: number | null; p50: number | null; p99: number | null };
  readonly cqlWritesPerCheck: number;
  readonly neighbourRecall: number | null;
  readonly detection: { precision: number | null; recall: number | null; f1: number | null };
  readonly cpuSecondsPer1000Checks: number | null;
  readonly ceilingChecksPerSecond: number | null;
  readonly ceiling: CeilingFigures | null;
  readonly pipelineShareOfCeiling: number | null;
  readonly targets: TargetRow[];
  readonly rows: RowResult[];
}

const row = (rows: readonly RowResult[], name: string): RowResult | undefined =>
  rows.find((r) => r.variant === name);

/** The targets of the issue, read from the default row, the distribution rows and the ceiling. */
export function targets(
  rows: readonly RowResult[],
  main: RowResult | undefined,
  ceiling: number | null,
): TargetRow[] {
  const share = main?.checksPerSecond != null && ceiling ? main.checksPerSecond / ceiling : null;
  const readsRecall = (name: string): TargetRow[] => {
    const r = row(rows, name);
    return [
      atMost(`${name} median reads`, r?.cqlReadsPerCheck?.p50 ?? null, 2, "", 0),
      atLeast(`${name} recall@50`, r?.neighbourRecall ?? null, 0.95, "", 3),
    ];
  };
  return [
    atLeast("sustained checks/s", main?.checksPerSecond ?? null, 800, "", 0),
    atMost("p99 end-to-end at half rate", main?.halfRate?.latencyMs.p99 ?? null, 100, " ms", 1),
    allOf("reads/check and recall (uniform, clumped)", [
      ...readsRecall("distribution uniform"),
      ...readsRecall("distribution clumped"),
    ]),
    atLeast("detection F1 (≥ 5 sigma)", main?.detection?.f1 ?? null, 0.95, "", 3),
    atLeast("pipeline share of ceiling", share === null ? null : share * 100, 70, "%", 0),
  ];
}

const f = (v: number | null | undefined, d = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(d);

/** Reads per check above the histogram's last bucket (20) land in +Inf. */
const reads = (v: number | null | undefined): string => (v === Infinity ? ">20" : f(v, 0));

function stops(r: RowResult): string {
  return Object.entries(r.stopLengths)
    .sort((a, b) => Number(b[0]) - Number(a[0]))
    .map(([len, share]) => `L${len}:${(share * 100).toFixed(0)}%`)
    .join(" ");
}

function magnitudes(r: RowResult): string {
  const by = r.detection?.byMagnitude ?? {};
  return Object.entries(by)
    .map(([m, v]) => `${m}σ R ${f(v.recall, 2)} F1 ${f(v.f1, 2)} (n=${v.anomalies})`)
    .join("; ");
}

/** The markdown report. */
export function renderReport(res: Results): string {
  const lines = [
    `# geoanomaly benchmark ${res.options["quick"] === true ? "(quick)" : "(full)"}`,
    "",
    `Generated ${res.generatedAt} on ${String(res.environment["cpus"])} cores, Node ${String(res.environment["node"])}; Kafka, Cassandra, the detector (child process) and the load generator share the machine, other users of the same servers add noise.`,
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
    "## Headline (default row: table-per-length, ring, robust, mixed distribution)",
    "",
    `- sustained: **${f(res.checksPerSecond, 0)} checks/s** (consumed, stored at every length, searched, scored, committed); ceiling (same statements, tight loop, no Kafka): **${f(res.ceilingChecksPerSecond, 0)} checks/s**; pipeline at ${f(res.pipelineShareOfCeiling === null ? null : res.pipelineShareOfCeiling * 100, 0)}% of it`,
    `- end-to-end latency at ${f(res.latencyRateChecksPerSecond, 0)} events/s (half the sustained rate): p50 ${f(res.latencyMs.p50)} ms, p95 ${f(res.latencyMs.p95)} ms, p99 ${f(res.latencyMs.p99)} ms, max ${f(res.latencyMs.max)} ms`,
    `- CQL reads per check: mean ${f(res.cqlReadsPerCheck.mean, 2)}, p50 ${f(res.cqlReadsPerCheck.p50, 0)}, p99 ${f(res.cqlReadsPerCheck.p99, 0)}; writes per check ${res.cqlWritesPerCheck}`,
    `- neighbour recall@50: ${f(res.neighbourRecall, 3)}; detection (≥ 5σ): precision ${f(res.detection.precision, 3)}, recall ${f(res.detection.recall, 3)}, F1 ${f(res.detection.f1, 3)}`,
    `- detector CPU: ${f(res.cpuSecondsPer1000Checks, 2)} s per 1,000 checks`,
    "",
    "## Rows",
    "",
    "| variant | checks/s | p50/p99/max ms at max rate | reads/check mean/p50/p99 | writes/check | recall@50 | precision | recall ≥5σ | F1 ≥5σ | CPU s/1k | stop lengths |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...res.rows.map((r) =>
      r.error !== undefined
        ? `| ${r.variant} | error: ${r.error.replace(/\|/g, "/").slice(0, 300)} |||||||||| `
        : `| ${r.variant} | ${f(r.checksPerSecond, 0)} | ${f(r.latencyMs?.p50, 0)}/${f(r.latencyMs?.p99, 0)}/${f(r.latencyMs?.max, 0)} | ${f(r.cqlReadsPerCheck?.mean, 2)}/${reads(r.cqlReadsPerCheck?.p50)}/${reads(r.cqlReadsPerCheck?.p99)} | ${r.cqlWritesPerCheck} | ${f(r.neighbourRecall, 3)} | ${f(r.detection?.precision, 3)} | ${f(r.detection?.recall, 3)} | ${f(r.detection?.f1, 3)} | ${f(r.cpuSecondsPer1000Checks, 2)} | ${stops(r)} |`,
    ),
    "",
    "Per magnitude (recall, F1 with the overall precision):",
    "",
    ...res.rows.filter((r) => r.error === undefined).map((r) => `- ${r.variant}: ${magnitudes(r)}`),
    "",
    "## How it was measured",
    "",
    "- Each row: its own topics, keyspace and group; the detector runs as `node bin/geoanomaly.js detect` (a child process configured by environment variables); figures come from its /metrics, /latency (HDR histogram) and /proc/<pid>/stat (utime+stime / 100).",
    "- Warm-up: normal events (injected anomalies replaced by the baseline value) are produced and checked first and never scored. Then events are produced as fast as the pipeline takes them (at most `backlog` produced but not yet checked); checks/s is the counter's increase over the last 75% of that phase, sampled every second. Latency at max rate is mostly that backlog's queueing; the latency target is read at half the sustained rate.",
    "- CQL reads per check: the `geoanomaly_cql_queries_per_check` histogram. For table-per-length one search step is one statement; for the other models the detector counts statements (one per cell per step). Writes per check: one per length (table-per-length) or one (single-table models).",
    "- Neighbour recall@50: for a sample of checked events, the detector's own search (Detector.evaluate on the stored data, neighbours not after the event's time) vs brute-force `nearestK` over the generated events with t − horizon(L) ≤ time ≤ t, L the length where the search stopped (the window its last step read). recall = |∩| / min(k, |reference|).",
    "- Detection: alerts from the alert topic matched to labels by event id; precision over all alerts of scored events, recall and F1 for anomalies of ≥ 5σ and per magnitude.",
    "- Ceiling: Detector.check on the same store and driver settings, from the harness, without Kafka, at fixed concurrency.",
    "- Single-table models (clustering-columns, prefix-range, secondary-index) partition by (g1, bucket) with the length-1 bucket of the layout (5 min): every event of a length-1 cell shares that partition, so only the shortest bucket keeps partitions bounded; a step reads every such bucket in its time window. Cassandra 5 rejects an indexed select with `bucket IN ?`, so the secondary-index model reads a bucket range with ALLOW FILTERING.",
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
