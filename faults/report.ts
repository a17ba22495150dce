/** The fault run's figures as JSON and a short markdown report. Pure. */
import type { PhaseCounts } from "./accounting.js";
import type { FixedRateResult } from "./fixed-rate.js";
import type { MissedAnomaly } from "./verdicts.js";

export interface PhaseResult extends PhaseCounts {
  readonly name: string;
  readonly title: string;
  readonly detail: string;
  readonly replicated: boolean;
  /** Seconds from the fault until every partition with waiting input committed again. */
  readonly advanceAfterFaultSeconds: number | null;
  /** The same from the end of the repair (restart done, replacement ready). */
  readonly advanceAfterRestoreSeconds: number | null;
  readonly longestPartitionPauseSeconds: number;
  /** Longest time no partition at all committed while input waited. */
  readonly longestGroupStallSeconds: number;
  readonly peakBacklog: number;
  readonly caughtUpSeconds: number | null;
  readonly crashes: number;
  /** Each injected anomaly without an alert, with the verdict the detector reached on it. */
  readonly missed: readonly MissedAnomaly[];
  readonly passed: boolean;
  readonly failures: readonly string[];
}

export interface StackResult {
  readonly name: string;
  readonly kafkaBrokers: number;
  readonly cassandraNodes: number;
  readonly upSeconds: number;
  readonly nodeReadySeconds: Record<string, number>;
  readonly nodeRssMiB: Record<string, number>;
  readonly detectors: number;
  readonly sustainedPerSecond: number;
  readonly feedPerSecond: number;
  readonly detectorPeakRssMiB: number;
  readonly phases: readonly PhaseResult[];
  /** Detectors asked to stop with SIGTERM that did not exit 0 (a hung or failed shutdown). */
  readonly uncleanStops: readonly { readonly name: string; readonly code: number | null }[];
}

export interface FaultRun {
  readonly startedAt: string;
  readonly seconds: number;
  readonly mode: "full" | "ci";
  readonly seed: number;
  readonly machine: string;
  readonly stacks: readonly StackResult[];
  /** The fixed-rate situations on a fresh group (start-up, a node lost while it starts or runs). */
  readonly fixedRate?: readonly FixedRateResult[];
}

/** How long a detector stopped with SIGTERM may take to exit before the suite kills it. */
export const STOP_GRACE_SECONDS = 60;

/** Longest group stall allowed while one node of three is down: progress must go on. */
export const REPLICATED_STALL_LIMIT_SECONDS = 10;

/** The bar: nothing lost, nothing missed, no duplicate rows, no crash, caught up; RF=3 keeps going. */
export function judge(p: Omit<PhaseResult, "passed" | "failures">): string[] {
  const out: string[] = [];
  if (p.lost > 0) out.push(`${p.lost} events lost`);
  if (p.duplicateRows > 0) out.push(`${p.duplicateRows} duplicate rows`);
  if (p.missedAnomalies > 0) out.push(`${p.missedAnomalies} anomalies never alerted`);
  if (p.crashes > 0) out.push(`${p.crashes} detector crashes`);
  if (p.caughtUpSeconds === null) out.push("the group did not catch up");
  if (p.replicated && p.longestGroupStallSeconds > REPLICATED_STALL_LIMIT_SECONDS)
    out.push(
      `progress stopped for ${p.longestGroupStallSeconds.toFixed(1)} s with one node of three down`,
    );
  return out;
}

const s = (v: number | null): string => (v === null ? "never" : v.toFixed(1));

/** One line per injected anomaly not alerted: its id and the detector's verdict on it. */
function missedLines(
  phases: readonly { readonly title: string; readonly missed: readonly MissedAnomaly[] }[],
): string[] {
  return phases.flatMap((p) =>
    p.missed.map((m) => `- missed in ${p.title}: ${m.id}: ${m.explanation}`),
  );
}

const pct = (v: number): string => `${(v * 100).toFixed(0)}%`;

/** The fixed-rate situations: start-up, first commit, stalls from the first commit, the CPU. */
function fixedRateSection(results: readonly FixedRateResult[]): string[] {
  return [
    "## Fixed rate on a fresh group: 3 brokers, 3 Cassandra nodes, 2 detectors started together",
    "",
    "| situation | feed/s | events | lost | dup rows | anomalies | missed | schema by the operator (s) | detectors ready (s) | first commit after first event (s) | longest stall from first commit (s) | stall within the fault (s) | longest partition pause (s) | drained after feed (s) | CPU busy: run / stall | load1 mean / max | result |",
    "| --- | --: | --: | --: | --: | --: | --: | --: | --- | --: | --: | --: | --: | --: | --- | --- | --- |",
    ...results.map(
      (r) =>
        `| ${r.title} | ${r.feedPerSecond} | ${r.produced} | ${r.lost} | ${r.duplicateRows} | ${r.anomalies} | ${r.missedAnomalies} | ` +
        `${r.schemaSeconds === null ? "- (the detectors)" : r.schemaSeconds.toFixed(1)} | ${r.detectorReadySeconds.map((t) => t.toFixed(1)).join(", ")} | ${s(r.firstCommitSeconds)} | ${r.longestStallSeconds.toFixed(1)} | ` +
        `${r.faultStallSeconds === null ? "-" : r.faultStallSeconds.toFixed(1)} | ${r.longestPartitionPauseSeconds.toFixed(1)} | ${s(r.drainedSeconds)} | ` +
        `${pct(r.cpu.meanBusy)} / ${pct(r.cpuDuringStall.meanBusy)} | ${r.cpu.meanLoad1.toFixed(1)} / ${r.cpu.maxLoad1.toFixed(1)} | ` +
        `${r.passed ? "pass" : `FAIL: ${r.failures.join("; ")}`} |`,
    ),
    "",
    ...results.map((r) => `- ${r.title}: ${r.detail}`),
    ...missedLines(results),
    ...results.flatMap((r) =>
      r.lostEvents.map(
        (l) =>
          `- lost in ${r.title}: ${l.id}: ` +
          (l.found
            ? `in the topic at partition ${l.partition} offset ${l.offset} (${l.copies} copies); the group committed ${l.committed ?? "nothing"} there`
            : "not in the input topic"),
      ),
    ),
    ...results
      .filter((r) => r.cpuDuringStall.meanBusy >= 0.9)
      .map(
        (r) =>
          `- ${r.title}: the machine's ${r.cpu.cores} cores were ${pct(r.cpuDuringStall.meanBusy)} busy during the longest stall (${pct(r.cpuDuringStall.saturatedShare)} of its seconds saturated): the CPU, not only the product, bounds that figure`,
      ),
    "",
  ];
}

export function markdownReport(run: FaultRun): string {
  const lines = [
    `# Fault suite (${run.mode} run)`,
    "",
    `${run.startedAt}, ${(run.seconds / 60).toFixed(1)} min, seed ${run.seed}, on ${run.machine}.`,
    "",
  ];
  for (const st of run.stacks) {
    const nodes = Object.entries(st.nodeReadySeconds)
      .map(([n, t]) => `${n} ${t.toFixed(1)} s`)
      .join(", ");
    const rss = Object.entries(st.nodeRssMiB)
      .map(([n, m]) => `${n} ${m.toFixed(0)}`)
      .join(", ");
    lines.push(
      `## ${st.name}: ${st.kafkaBrokers} broker(s), ${st.cassandraNodes} Cassandra node(s), ${st.detectors} detectors`,
      "",
      `- stack up in ${st.upSeconds.toFixed(1)} s (ready after: ${nodes})`,
      `- node RSS MiB: ${rss}; detector peak RSS ${st.detectorPeakRssMiB.toFixed(0)} MiB`,
      `- sustained ${st.sustainedPerSecond.toFixed(0)} events/s measured on the warm-up backlog; feed ${st.feedPerSecond.toFixed(0)} events/s`,
      "",
      "| fault | events | lost | dup rows | anomalies | missed | dup alerts | commits again after fault / repair (s) | longest partition pause (s) | longest group stall (s) | peak backlog | crashes | result |",
      "| --- | --: | --: | --: | --: | --: | --: | --- | --: | --: | --: | --: | --- |",
      ...st.phases.map(
        (p) =>
          `| ${p.title} | ${p.produced} | ${p.lost} | ${p.duplicateRows} | ${p.anomalies} | ${p.missedAnomalies} | ${p.duplicateAlerts} | ` +
          `${p.name === "warm-up" ? "-" : s(p.advanceAfterFaultSeconds)} / ${p.advanceAfterRestoreSeconds === null ? "-" : s(p.advanceAfterRestoreSeconds)} | ` +
          `${p.longestPartitionPauseSeconds.toFixed(1)} | ${p.longestGroupStallSeconds.toFixed(1)} | ${p.peakBacklog} | ${p.crashes} | ` +
          `${p.passed ? "pass" : `FAIL: ${p.failures.join("; ")}`} |`,
      ),
      "",
      ...st.phases.map((p) => `- ${p.title}: ${p.detail}`),
      ...missedLines(st.phases),
      st.uncleanStops.length === 0
        ? "- every detector stopped with SIGTERM exited 0"
        : `- FAIL: stopped with SIGTERM but did not exit 0: ${st.uncleanStops
            .map(
              (u) =>
                `${u.name} (${u.code === null ? `killed after ${STOP_GRACE_SECONDS} s` : `exit ${u.code}`})`,
            )
            .join(", ")}`,
      "",
    );
  }
  if (run.fixedRate !== undefined && run.fixedRate.length > 0)
    lines.push(...fixedRateSection(run.fixedRate));
  lines.push(
    "## How it was measured",
    "",
    "- Every event comes from the labelled synthetic generator (distribution `narrow`, anomalies of",
    "  25 and 40 local standard deviations after a warm-up without anomalies) and is counted once",
    "  Kafka acknowledged its partition (acks from all in-sync replicas, idempotent producer, each",
    "  partition confirmed in the answer), under the phase during which it was sent.",
    "- Lost: an event missing from the table of any length in `GEOHASH_LENGTHS`, read back in full at",
    "  the end. Duplicate rows: more than one row for an event id in one table. Missed: an injected",
    "  anomaly without any alert on the alert topic. Duplicate alerts: alerts beyond the first per",
    "  event (delivery is at least once).",
    "- Offsets: the group's committed offsets and the topic's end offsets sampled every 0.5 s.",
    "  Commits again after fault: time until every partition that had waiting input committed past",
    "  where it stood when the fault struck. Longest partition pause: the longest time one partition",
    "  had waiting input and no commit. Longest group stall: the longest time no partition committed.",
    `- Bar: 0 lost, 0 duplicate rows, 0 missed, 0 crashes, caught up; with one node of three down,`,
    `  no group stall longer than ${REPLICATED_STALL_LIMIT_SECONDS} s.`,
    "- Crash: a detector process that exited without being killed or stopped by the suite. A",
    `  detector stopped with SIGTERM must exit 0 within ${STOP_GRACE_SECONDS} s (else it is killed and the run fails).`,
    "",
  );
  return lines.join("\n");
}
