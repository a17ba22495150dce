/**
 * The cluster summary roller's Prometheus metrics, on the detector's registry: rounds, pairs
 * recounted, round time, and how far the summary lags (what `summaryAsOf` answers on the API).
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { SummaryMetrics } from "../pipeline/summary-roller.js";

/** 10 ms to 60 s: a quiet round to a backlog after a restart. */
const ROUND_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createSummaryMetrics(
  registry: Registry,
  now: () => number = Date.now,
): SummaryMetrics {
  let asOfMs: number | undefined;
  const rounds = new Counter({
    name: "geoanomaly_summary_rounds_total",
    help: "Summary roller rounds by result (ok, failed: its touches are rolled by the next).",
    labelNames: ["result"],
    registers: [registry],
  });
  const pairs = new Counter({
    name: "geoanomaly_summary_pairs_rolled_total",
    help: "(cell, slot) pairs of the source length recounted from the event rows.",
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "geoanomaly_summary_round_seconds",
    help: "One roller round: reading the touch log, recounting, writing every summary length.",
    buckets: ROUND_BUCKETS,
    registers: [registry],
  });
  const touchStatements = new Counter({
    name: "geoanomaly_summary_touch_statements_total",
    help: "Touch-log statements the write path sent (one per slice, before its commit).",
    registers: [registry],
  });
  const touchRows = new Counter({
    name: "geoanomaly_summary_touch_rows_total",
    help: "Touch-log rows written: distinct (length-4 cell, slot) pairs per slice.",
    registers: [registry],
  });
  new Gauge({
    name: "geoanomaly_summary_lag_seconds",
    help: "Now minus the start of this roller's last complete round: events stored since are not counted yet.",
    registers: [registry],
    collect() {
      if (asOfMs !== undefined) this.set(Math.max(0, (now() - asOfMs) / 1000));
    },
  });
  return {
    rolled(n, s) {
      rounds.inc({ result: "ok" });
      pairs.inc(n);
      seconds.observe(s);
    },
    asOf(ms) {
      asOfMs = ms;
    },
    failed() {
      rounds.inc({ result: "failed" });
    },
    marked(n) {
      touchStatements.inc();
      touchRows.inc(n);
    },
  };
}
