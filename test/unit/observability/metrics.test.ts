import { describe, expect, it } from "vitest";
import { Histogram, Registry } from "prom-client";
import type { Verdict } from "../../../src/domain/detect/scoring.js";
import {
  createMetrics,
  histogramQuantile,
  metricsSnapshot,
} from "../../../src/observability/metrics.js";
import type { SearchFigures } from "../../../src/pipeline/ports.js";

const SCORED: Verdict = {
  kind: "scored",
  scorer: "robust",
  score: 1,
  threshold: 4,
  expected: 0,
  spread: 1,
  anomalous: false,
  neighbourCount: 50,
};
const SPARSE: Verdict = {
  kind: "insufficient",
  reason: "sparse",
  scorer: "robust",
  neighbourCount: 3,
  threshold: 4,
};
const SEARCH: SearchFigures = {
  rows: 120,
  partitions: 18,
  stopLength: 6,
  outcome: "complete",
  windowCut: true,
};

describe("createMetrics", () => {
  it("starts at zero with labelled series pre-created", async () => {
    const { registry } = createMetrics();
    const snap = await metricsSnapshot(registry);
    expect(snap.counters.geoanomaly_events_consumed_total).toBe(0);
    expect(snap.counters['geoanomaly_checks_total{result="scored"}']).toBe(0);
    expect(snap.counters['geoanomaly_retries_total{operation="publish"}']).toBe(0);
    expect(snap.counters['geoanomaly_dead_letters_total{reason="not_json"}']).toBe(0);
    expect(snap.histograms.geoanomaly_end_to_end_latency_seconds).toEqual({
      count: 0,
      sum: 0,
      mean: null,
    });
    // Default process metrics land in the same, private registry.
    expect(snap.counters.process_cpu_seconds_total).toBeGreaterThanOrEqual(0);
  });

  it("counts pipeline events into the snapshot", async () => {
    const { registry, pipeline } = createMetrics();
    pipeline.consumed(5);
    pipeline.consumed(3);
    pipeline.stored(1);
    pipeline.checked(SCORED);
    pipeline.checked(SCORED);
    pipeline.checked(SPARSE);
    pipeline.anomaly();
    pipeline.deadLettered("not_json");
    pipeline.retried("write");
    pipeline.paused();
    const { counters } = await metricsSnapshot(registry);
    expect(counters.geoanomaly_events_consumed_total).toBe(8);
    expect(counters.geoanomaly_events_stored_total).toBe(1);
    expect(counters.geoanomaly_checks_total).toBe(3);
    expect(counters['geoanomaly_checks_total{result="scored"}']).toBe(2);
    expect(counters['geoanomaly_checks_total{result="insufficient"}']).toBe(1);
    expect(counters.geoanomaly_anomalies_total).toBe(1);
    expect(counters['geoanomaly_dead_letters_total{reason="not_json"}']).toBe(1);
    expect(counters.geoanomaly_dead_letters_total).toBe(1);
    expect(counters['geoanomaly_insufficient_total{reason="sparse"}']).toBe(1);
    expect(counters['geoanomaly_insufficient_total{reason="no_history"}']).toBe(0);
    expect(counters['geoanomaly_retries_total{operation="write"}']).toBe(1);
    expect(counters.geoanomaly_partition_pauses_total).toBe(1);
  });

  it("records histograms as count, sum and mean", async () => {
    const { registry, pipeline } = createMetrics();
    pipeline.writeSeconds(0.002);
    pipeline.writeSeconds(0.004);
    pipeline.readSeconds(0.01);
    pipeline.searched(SEARCH);
    pipeline.storeWork({
      readStatements: 2,
      writeStatements: 9,
      rowsRead: 300,
      partitionsRead: 40,
      rowsWritten: 21,
    });
    pipeline.batchChecked(3, 0.02);
    pipeline.endToEndSeconds(0.5);
    const { histograms } = await metricsSnapshot(registry);
    const write = histograms.geoanomaly_cassandra_write_seconds;
    expect(write?.count).toBe(2);
    expect(write?.sum).toBeCloseTo(0.006, 9);
    expect(write?.mean).toBeCloseTo(0.003, 9);
    expect(histograms.geoanomaly_cassandra_read_seconds?.count).toBe(1);
    expect(histograms.geoanomaly_search_stop_length?.mean).toBe(6);
    expect(histograms.geoanomaly_search_rows_per_check?.sum).toBe(120);
    expect(histograms.geoanomaly_search_partitions_per_check?.sum).toBe(18);
    const { counters } = await metricsSnapshot(registry);
    expect(counters['geoanomaly_search_outcomes_total{outcome="complete"}']).toBe(1);
    expect(counters.geoanomaly_search_window_cuts_total).toBe(1);
    expect(counters['geoanomaly_cassandra_statements_total{operation="read"}']).toBe(2);
    expect(counters['geoanomaly_cassandra_statements_total{operation="write"}']).toBe(9);
    expect(counters.geoanomaly_cassandra_rows_read_total).toBe(300);
    expect(counters.geoanomaly_cassandra_partitions_read_total).toBe(40);
    expect(counters.geoanomaly_cassandra_rows_written_total).toBe(21);
    expect(histograms.geoanomaly_check_batch_size?.sum).toBe(3);
    expect(histograms.geoanomaly_end_to_end_latency_seconds?.sum).toBe(0.5);
  });

  it("never throws on odd values: ignores non-finite, clamps negative durations", async () => {
    const { registry, pipeline } = createMetrics();
    expect(() => {
      pipeline.consumed(0);
      pipeline.consumed(-1);
      pipeline.consumed(Number.NaN);
      pipeline.endToEndSeconds(Number.NaN);
      pipeline.endToEndSeconds(Number.POSITIVE_INFINITY);
      pipeline.endToEndSeconds(-0.2);
    }).not.toThrow();
    const snap = await metricsSnapshot(registry);
    expect(snap.counters.geoanomaly_events_consumed_total).toBe(0);
    expect(snap.histograms.geoanomaly_end_to_end_latency_seconds).toEqual({
      count: 1,
      sum: 0,
      mean: 0,
    });
  });

  it("keeps instances apart (no global registry)", async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.pipeline.anomaly();
    expect((await metricsSnapshot(a.registry)).counters.geoanomaly_anomalies_total).toBe(1);
    expect((await metricsSnapshot(b.registry)).counters.geoanomaly_anomalies_total).toBe(0);
  });
});

describe("histogramQuantile", () => {
  it("is undefined while empty", async () => {
    const { registry } = createMetrics();
    expect(await histogramQuantile(registry, "geoanomaly_search_stop_length", 0.5)).toBe(undefined);
  });

  it("interpolates linearly inside the bucket", async () => {
    const registry = new Registry();
    const h = new Histogram({ name: "h", help: "h", buckets: [1, 2, 4], registers: [registry] });
    // 10 in (0,1], 10 in (1,2], 20 in (2,4]
    for (let k = 0; k < 10; k++) h.observe(0.5);
    for (let k = 0; k < 10; k++) h.observe(1.5);
    for (let k = 0; k < 20; k++) h.observe(3);
    expect(await histogramQuantile(registry, "h", 0.125)).toBeCloseTo(0.5, 9);
    expect(await histogramQuantile(registry, "h", 0.25)).toBeCloseTo(1, 9);
    expect(await histogramQuantile(registry, "h", 0.375)).toBeCloseTo(1.5, 9);
    expect(await histogramQuantile(registry, "h", 0.75)).toBeCloseTo(3, 9);
    expect(await histogramQuantile(registry, "h", 1)).toBeCloseTo(4, 9);
  });

  it("is monotonic in q and stays within the bucket range", async () => {
    const { registry, pipeline } = createMetrics();
    for (let k = 1; k <= 1000; k++) pipeline.endToEndSeconds(k / 1000);
    let previous = -Infinity;
    for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
      const v = await histogramQuantile(registry, "geoanomaly_end_to_end_latency_seconds", q);
      expect(v).toBeDefined();
      expect(v).toBeGreaterThanOrEqual(previous);
      expect(v).toBeLessThanOrEqual(1);
      previous = v ?? previous;
    }
    const median = await histogramQuantile(registry, "geoanomaly_end_to_end_latency_seconds", 0.5);
    expect(median).toBeGreaterThan(0.25);
    expect(median).toBeLessThanOrEqual(0.5);
  });

  it("returns the highest finite bound when the rank falls in +Inf", async () => {
    const { registry, pipeline } = createMetrics();
    pipeline.searched({ ...SEARCH, rows: 100_000 });
    expect(await histogramQuantile(registry, "geoanomaly_search_rows_per_check", 0.99)).toBe(5000);
  });

  it("rejects unknown histograms and quantiles outside [0, 1]", async () => {
    const { registry } = createMetrics();
    await expect(histogramQuantile(registry, "nope", 0.5)).rejects.toThrow(/no histogram/);
    await expect(
      histogramQuantile(registry, "geoanomaly_events_consumed_total", 0.5),
    ).rejects.toThrow(/no histogram/);
    await expect(histogramQuantile(registry, "geoanomaly_search_stop_length", 1.5)).rejects.toThrow(
      RangeError,
    );
  });
});
