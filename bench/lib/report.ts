/**
 * The short human report (report.md) of one run, from results.json's data: targets, headline,
 * before/after, rows, the sustained-rate search, accuracy, the verdict of every missed anomaly,
 * capacity, profile, and the method.
 */
import type { ProfileSummary } from "./profile-summary.js";
import { renderMisses } from "./report-misses.js";
import {
  f,
  pct,
  renderAccuracy,
  renderCapacity,
  renderComparison,
  renderRateSearch,
  rowLabel,
} from "./report-sections.js";
import type { Results } from "./results.js";
import type { RowResult } from "../scenarios/variants.js";

function stops(r: RowResult): string {
  return Object.entries(r.stopLengths)
    .sort((a, b) => Number(b[0]) - Number(a[0]))
    .map(([len, share]) => `L${len}:${(share * 100).toFixed(0)}%`)
    .join(" ");
}

type Spread = { mean: number | null; p50: number | null; p99: number | null };

function spread(p: Spread | null | undefined, d = 0): string {
  const q = (v: number | null | undefined): string => (v === Infinity ? ">max" : f(v, d));
  return `${f(p?.mean, 1)}/${q(p?.p50)}/${q(p?.p99)}`;
}

function profileLines(p: ProfileSummary | null): string[] {
  if (p === null) return [];
  return [
    "## Detector profile (the extra profiled default row, `--profile`)",
    "",
    `- ${p.samples} samples, busy ${pct(p.busy, 0)} of the time (the rest waiting on I/O)`,
    `- busy time by owner: ${p.byOwner.map((o) => `${o.name} ${pct(o.share, 0)}`).join(", ")}`,
    `- hottest functions (self time): ${p.topFunctions.map((o) => `${o.name} ${pct(o.share, 1)}`).join("; ")}`,
    "",
  ];
}

function rowLine(r: RowResult): string {
  if (r.error !== undefined) {
    return `| ${rowLabel(r)} | error: ${r.error.replace(/\|/g, "/").slice(0, 300)} ||||||||||||||`;
  }
  const c = r.cost;
  const d = r.accuracy?.detection;
  return `| ${rowLabel(r)} | ${f(r.checksPerSecond, 0)} | ${r.drained ? "yes" : "**no**"} | ${f(c?.statementsPerCheck, 2)} | ${spread(c?.rowsReadPerCheck)} | ${spread(c?.partitionsPerCheck)} | ${f(c?.checkBatchSize.mean, 1)} | ${f(c?.rowsWrittenPerCheck ?? c?.writesPerEvent, 1)} | ${f(r.accuracy?.recall.recall.mean, 3)} | ${pct(d?.coverage)} | ${pct(d?.falseAlarmRatePerScored, 3)} | ${f(d?.precision, 3)} | ${f(d?.strongRecallLocal.recall, 3)} / ${f(d?.strongRecallAll.recall, 3)} | ${f(r.cpuSecondsPer1000Checks, 2)} | ${pct(r.windowCutShare)} | ${stops(r)} |`;
}

const METHOD = [
  "## How it was measured",
  "",
  "- Each row: its own topics, keyspace and group; the detector runs as `node bin/geoanomaly.js detect` (another checkout's with `--compare`), a child process configured by environment variables; figures come from its /metrics, /latency (HDR histogram), /trace and /proc/<pid>/stat (utime+stime / 100).",
  "- Warm-up: a fixed count of normal events (injected anomalies replaced by the baseline value), fed as fast as the detector takes them, never scored; the row is `drained` only if the group's lag (end offsets minus committed offsets, read from Kafka) came back to 0 before measuring and after the last phase.",
  "- Sustained: open-loop paced phases (the producer keeps its rate whatever the detector does), the first at 90% of the warm-up's check rate, then up ×1.2 while flat, down while not, then bisected until highest-flat / lowest-not-flat is within the resolution. A phase is flat when the least-squares slope of the group's lag (sampled every 0.5 s, after the settling share) is under the tolerated share of the rate (at low rates, a few tens of events over the phase) and the median lag at the end is under two seconds of the rate. The lag comes back to 0 between phases. The sustained rate is the rate sent in the highest flat phase.",
  "- The default row runs three times (spread over the run, or interleaved A B A B with `--compare`); its figures are min / median / max, and the targets are read from the unprofiled run with the median rate. A profiled run (`--profile`) is an extra row.",
  "- Cost per check over the paced phases (differences of two scrapes): Cassandra statements from `geoanomaly_cassandra_statements_total{operation}` (an earlier release: its per-check reads `geoanomaly_cql_queries_per_check` plus `geoanomaly_store_writes_per_event`), rows and partitions read and rows written from their counters, `geoanomaly_check_batch_size`, `geoanomaly_search_rows_per_check` and `geoanomaly_search_partitions_per_check` (quantiles are histogram bucket bounds).",
  "- Neighbour recall@k: the detector traces its checks (GET /trace, `TRACE_SAMPLE_RATE` from `--trace-sample-rate`, every check by default, read every second from a ring of 10,000); 5% of all checks, chosen among the traced by a hash of the event id, are compared with brute force over the row's events with the configured distance bound and the nominal window [t − horizon(stop length), t]; an event never has as neighbour an event of the same Kafka partition at a later offset (positions read back from the input topic). A missing neighbour is in flight when it came from another partition and its row's Cassandra WRITETIME is after the check's search began (reported apart, left out of `recall@k`, counted in `with in-flight`); lost when the final store has no row for it (a miss); otherwise a search miss. There is no grace period.",
  "- Detection on the held-out seed with σ varying by place and anomaly sizes drawn uniformly from the configured range of local σ: alerts from the alert topic matched to labels by event id. False alarms per normal event and per scored normal event (scored checks less the anomalies with a local neighbourhood). Recall ≥ 5σ (local) counts anomalies with at least MIN_NEIGHBOURS earlier events within the bound (brute force); recall ≥ 5σ (all) counts every one. F1 is the harmonic mean of precision and recall ≥ 5σ (all).",
  "- Missed anomalies: each injected anomaly of the measured phases without an alert gets the detector's last traced verdict on it: scored not beyond the threshold (score shown), scored beyond it with no alert received, insufficient with its reason, or absent from the trace (`not-checked` when the sequence numbers show every check was read and the last read reached the end, `not-traced` otherwise). Tracing every check costs the detector and the harness CPU that the sustained rate pays for (docs/performance.md gives the figure); `--trace-sample-rate` lowers it, at the price of misses left `not-traced`.",
  "- Cassandra capacity: the product's driver settings and table shape, no detector and no Kafka, closed loop at fixed concurrency (`npm run bench:capacity` alone). The limit in checks/s charges the median default run's mean check (write statements, read statements, partitions, rows) at the measured costs.",
];

/** The markdown report. */
export function renderReport(res: Results): string {
  const r = res.repeats;
  const seed = `seed ${res.seed.reported}${res.seed.heldOut ? ` (held out: defaults were tuned on ${res.seed.tuning})` : " (the tuning seed: not a held-out figure)"}`;
  const lines = [
    `# geoanomaly benchmark ${res.options["quick"] === true ? "(quick)" : "(full)"}`,
    "",
    `Generated ${res.generatedAt} from commit ${res.commit.sha ?? "unknown"}${res.commit.dirty === true ? " (working tree dirty)" : ""}, ${seed}, on ${String(res.environment["cpus"])} cores, Node ${String(res.environment["node"])}, 1-min load average ${String(res.environment["loadAverageStart"])} at start; Kafka, Cassandra, the detector (child process) and the load generator share the machine. Every row drained: ${res.drained ? "yes" : "**no**"}.`,
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
    `- sustained (open loop, flat lag): **${f(res.checksPerSecond, 0)} checks/s** median of ${r.values.length} runs (min ${f(r.min, 0)}, max ${f(r.max, 0)}, max/min ${f(r.maxOverMin, 3)}${r.missing > 0 ? `, ${r.missing} without a figure` : ""}); Cassandra's measured capacity allows **${f(res.limitChecksPerSecond, 0)} checks/s** of this cost; pipeline at ${pct(res.pipelineShareOfLimit, 0)} of it`,
    `- end-to-end latency at ${f(res.latencyRateChecksPerSecond, 0)} events/s (half the sustained rate): p50 ${f(res.latencyMs.p50)} ms, p95 ${f(res.latencyMs.p95)} ms, p99 ${f(res.latencyMs.p99)} ms, max ${f(res.latencyMs.max)} ms`,
    `- cost per check: **${f(res.statementsPerCheck, 2)} Cassandra statements** (${f(res.readStatementsPerCheck, 2)} reads + ${f(res.writeStatementsPerCheck, 2)} writes; from ${res.statementsFrom ?? "–"}); ${f(res.writesPerCheck, 1)} rows written; rows read mean ${f(res.rowsReadPerCheck.mean, 1)}, p50 ≤ ${f(res.rowsReadPerCheck.p50, 0)}, p99 ≤ ${f(res.rowsReadPerCheck.p99, 0)}`,
    `- neighbour recall@k against the final store: ${f(res.neighbourRecall, 3)} (in-flight races left out; ${f(res.neighbourRecallWithInFlight, 3)} with them, in-flight share ${pct(res.inFlightShare, 2)} of reference neighbours)`,
    `- detection: coverage ${pct(res.coverage)}; false alarms ${pct(res.falseAlarmRatePerScored, 3)} of scored normal events (${pct(res.falseAlarmRate, 3)} of all normal events); precision ${f(res.detection.precision, 3)}; recall ≥ 5σ ${f(res.detection.recall, 3)} with a local neighbourhood, ${f(res.detection.recallAll, 3)} over all; F1 ${f(res.detection.f1, 3)} (${res.detection.f1Of ?? "–"})`,
    `- detector CPU: ${f(res.cpuSecondsPer1000Checks, 2)} s per 1,000 checks`,
    "",
    ...renderComparison(res.comparison),
    "## Rows",
    "",
    "| row | checks/s | drained | statements/check | rows read mean/p50/p99 | partitions mean/p50/p99 | batch size | rows written | recall@k | coverage | false alarms / scored | precision | recall ≥5σ local / all | CPU s/1k | window cut | stop lengths |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...res.rows.map(rowLine),
    "",
    ...renderRateSearch(res.rows),
    ...renderAccuracy(
      res.rows
        .filter((x) => x.error === undefined)
        .map((x) => ({
          row: rowLabel(x),
          recall: x.accuracy?.recall ?? null,
          detection: x.accuracy?.detection ?? null,
        })),
    ),
    "",
    ...renderMisses(res.rows, res.missedAnomalies),
    ...(res.capacity === null ? [] : [...renderCapacity(res.capacity, res.limit), ""]),
    ...profileLines(res.profile),
    ...METHOD,
  ];
  return `${lines.join("\n")}\n`;
}
