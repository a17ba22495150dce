/**
 * The cluster summary roller's Prometheus metrics, on the detector's registry: rounds, pairs
 * recounted, round time, and how far the summary lags (what `summaryAsOf` answers on the API).
 */
import { Gauge, type Registry } from "prom-client";
import { counter, histogram, PREFIX } from "./instruments.js";
import type { SummaryMetrics } from "../pipeline/summary-roller.js";

/** 10 ms to 60 s: a quiet round to a backlog after a restart. */
const ROUND_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createSummaryMetrics(
  registry: Registry,
  now: () => number = Date.now,
): SummaryMetrics {
  let asOfMs: number | undefined;
  const rounds = counter(
    registry,
    "summary_rounds_total",
    "Summary roller rounds by result (ok, failed: its touches are rolled by the next).",
    ["result"],
  );
  const pairs = counter(
    registry,
    "summary_pairs_rolled_total",
    "(cell, slot) pairs of the source length recounted from the event rows.",
  );
  const seconds = histogram(
    registry,
    "summary_round_seconds",
    "One roller round: reading the touch log, recounting, writing every summary length.",
    ROUND_BUCKETS,
  );
  const touchStatements = counter(
    registry,
    "summary_touch_statements_total",
    "Touch-log statements the write path sent (one per slice, before its commit).",
  );
  const touchRows = counter(
    registry,
    "summary_touch_rows_total",
    "Touch-log rows written: distinct (length-4 cell, slot) pairs per slice.",
  );
  new Gauge({
    name: `${PREFIX}summary_lag_seconds`,
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
