import type { Counter, Histogram } from "prom-client";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { DEAD_LETTER_REASONS } from "../domain/detect/event.js";
import { INSUFFICIENT_REASONS } from "../domain/detect/scoring.js";
import type { PipelineMetrics } from "../pipeline/ports.js";
import { counter, histogram, PREFIX } from "./instruments.js";
import { LatencyRecorder } from "./latency.js";

export { histogramQuantile, metricsSnapshot } from "./snapshot.js";
export type { HistogramFigures, MetricsSnapshot } from "./snapshot.js";

/** 1 ms to 60 s: from a warm local commit to a badly lagging consumer. */
export const END_TO_END_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;
/** 0.5 ms to 5 s: Cassandra round trips, healthy to timing out. */
export const CASSANDRA_BUCKETS = [
  0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5,
] as const;
/** Events checked together: one record up to a whole fetched slice. */
export const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000] as const;
/** Rows a search read: a check's main cost after its writes. */
export const ROWS_PER_CHECK_BUCKETS = [
  0, 10, 25, 50, 75, 100, 125, 150, 200, 300, 500, 750, 1000, 2000, 5000,
] as const;
/** Partitions a search touched (cells × time buckets). */
export const PARTITIONS_PER_CHECK_BUCKETS = [1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 128] as const;
/** One bucket per geohash length (1..12). */
export const STOP_LENGTH_BUCKETS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

/** The raw prom-client instruments, for adapters that need more than {@link PipelineMetrics}. */
export interface Instruments {
  readonly eventsConsumed: Counter;
  readonly eventsStored: Counter;
  readonly writesPerEvent: Gauge;
  readonly checks: Counter<"result">;
  readonly insufficient: Counter<"reason">;
  readonly searchOutcomes: Counter<"outcome">;
  readonly windowCuts: Counter;
  readonly anomalies: Counter;
  readonly deadLetters: Counter<"reason">;
  readonly retries: Counter<"operation">;
  readonly partitionPauses: Counter;
  readonly consumerRestarts: Counter<"reason">;
  readonly endToEndLatency: Histogram;
  readonly cassandraWrite: Histogram;
  readonly cassandraRead: Histogram;
  readonly statements: Counter<"operation">;
  readonly rowsRead: Counter;
  readonly partitionsRead: Counter;
  readonly rowsWritten: Counter;
  readonly batchSize: Histogram;
  readonly batchSeconds: Histogram;
  readonly rowsPerCheck: Histogram;
  readonly partitionsPerCheck: Histogram;
  readonly stopLength: Histogram;
}

/** What {@link createMetrics} returns: the registry to serve and the pipeline's port onto it. */
export interface Metrics {
  readonly registry: Registry;
  readonly pipeline: PipelineMetrics;
  readonly instruments: Instruments;
  /** End-to-end latency at HDR precision, next to the coarse Prometheus histogram (GET /latency). */
  readonly latency: LatencyRecorder;
}

/** Observes only finite values, clamping negatives (clock skew) to 0: metrics must never throw. */
function observer(h: Histogram): (value: number) => void {
  return (value) => {
    if (Number.isFinite(value)) h.observe(Math.max(0, value));
  };
}

/**
 * Prometheus metrics on a fresh registry (never the global one, so tests and several instances
 * in one process do not collide), with Node's default process metrics collected into it.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const i: Instruments = {
    eventsConsumed: counter(registry, "events_consumed_total", "Records consumed from Kafka."),
    eventsStored: counter(registry, "events_stored_total", "Events written at every length."),
    writesPerEvent: new Gauge({
      name: `${PREFIX}store_writes_per_event`,
      help: "Writes one stored event costs (one per stored geohash length).",
      registers: [registry],
    }),
    checks: counter(registry, "checks_total", "Anomaly checks by outcome.", ["result"]),
    insufficient: counter(
      registry,
      "insufficient_total",
      "Checks not scored, by reason (no_history, sparse, search_budget).",
      ["reason"],
    ),
    searchOutcomes: counter(
      registry,
      "search_outcomes_total",
      "Searches by how they ended: complete (k nearest within the bound), bounded (fewer exist within it), budget (stopped at SEARCH_MAX_READS).",
      ["outcome"],
    ),
    windowCuts: counter(
      registry,
      "search_window_cuts_total",
      "Searches whose time window a partition's row limit (SEARCH_ROWS_PER_PARTITION) shortened.",
    ),
    anomalies: counter(registry, "anomalies_total", "Events scored as anomalous."),
    deadLetters: counter(registry, "dead_letters_total", "Records dead-lettered by reason.", [
      "reason",
    ]),
    retries: counter(registry, "retries_total", "Retried operations.", ["operation"]),
    partitionPauses: counter(registry, "partition_pauses_total", "Partitions paused on failure."),
    consumerRestarts: counter(
      registry,
      "consumer_restarts_total",
      "Restarts of the Kafka consumer after a retriable crash, by the crash's innermost error.",
      ["reason"],
    ),
    endToEndLatency: histogram(
      registry,
      "end_to_end_latency_seconds",
      "Event time to offset commit.",
      END_TO_END_BUCKETS,
    ),
    cassandraWrite: histogram(
      registry,
      "cassandra_write_seconds",
      "One write statement: one partition's rows of a batch.",
      CASSANDRA_BUCKETS,
    ),
    cassandraRead: histogram(
      registry,
      "cassandra_read_seconds",
      "One read statement: several partitions for the searches of a batch.",
      CASSANDRA_BUCKETS,
    ),
    statements: counter(
      registry,
      "cassandra_statements_total",
      "Statements the check path sent to Cassandra (a partition's batched rows count once), by operation.",
      ["operation"],
    ),
    rowsRead: counter(
      registry,
      "cassandra_rows_read_total",
      "Rows the searches read from Cassandra.",
    ),
    partitionsRead: counter(
      registry,
      "cassandra_partitions_read_total",
      "Partitions (cell × time bucket) the searches read, each once per batch.",
    ),
    rowsWritten: counter(
      registry,
      "cassandra_rows_written_total",
      "Rows written (one per event and stored length).",
    ),
    batchSize: histogram(
      registry,
      "check_batch_size",
      "Events checked together (one slice of a fetched batch).",
      BATCH_SIZE_BUCKETS,
    ),
    batchSeconds: histogram(
      registry,
      "check_batch_seconds",
      "Time to check one batch: its writes and its searches.",
      END_TO_END_BUCKETS,
    ),
    rowsPerCheck: histogram(
      registry,
      "search_rows_per_check",
      "Rows one check's search considered (its batch reads each partition once and shares the rows).",
      ROWS_PER_CHECK_BUCKETS,
    ),
    partitionsPerCheck: histogram(
      registry,
      "search_partitions_per_check",
      "Partitions (cell × time bucket) one check's search covered, shared with its batch or not.",
      PARTITIONS_PER_CHECK_BUCKETS,
    ),
    stopLength: histogram(
      registry,
      "search_stop_length",
      "Geohash length where the search stopped.",
      STOP_LENGTH_BUCKETS,
    ),
  };

  // Export every known label value at 0, so rate() and alerts see a series before its first event.
  for (const result of ["scored", "insufficient"]) i.checks.inc({ result }, 0);
  for (const reason of INSUFFICIENT_REASONS) i.insufficient.inc({ reason }, 0);
  for (const outcome of ["complete", "bounded", "budget"]) i.searchOutcomes.inc({ outcome }, 0);
  for (const reason of DEAD_LETTER_REASONS) i.deadLetters.inc({ reason }, 0);
  for (const operation of ["write", "read", "publish"]) i.retries.inc({ operation }, 0);
  for (const operation of ["write", "read"]) i.statements.inc({ operation }, 0);

  const latency = new LatencyRecorder();
  const endToEnd = observer(i.endToEndLatency);
  const batchSize = observer(i.batchSize);
  const batchSeconds = observer(i.batchSeconds);
  const rows = observer(i.rowsPerCheck);
  const partitions = observer(i.partitionsPerCheck);
  const stop = observer(i.stopLength);
  const pipeline: PipelineMetrics = {
    consumed: (count) => {
      if (Number.isFinite(count) && count > 0) i.eventsConsumed.inc(count);
    },
    stored: (count) => {
      if (Number.isFinite(count) && count > 0) i.eventsStored.inc(count);
    },
    checked: (verdict) => {
      i.checks.inc({ result: verdict.kind });
      if (verdict.kind === "insufficient") i.insufficient.inc({ reason: verdict.reason });
    },
    anomaly: () => i.anomalies.inc(),
    deadLettered: (reason) => i.deadLetters.inc({ reason }),
    retried: (operation) => i.retries.inc({ operation }),
    paused: () => i.partitionPauses.inc(),
    writeSeconds: observer(i.cassandraWrite),
    readSeconds: observer(i.cassandraRead),
    searched: (f) => {
      rows(f.rows);
      partitions(f.partitions);
      stop(f.stopLength);
      i.searchOutcomes.inc({ outcome: f.outcome });
      if (f.windowCut) i.windowCuts.inc();
    },
    storeWork: (w) => {
      i.statements.inc({ operation: "read" }, w.readStatements);
      i.statements.inc({ operation: "write" }, w.writeStatements);
      i.rowsRead.inc(w.rowsRead);
      i.partitionsRead.inc(w.partitionsRead);
      i.rowsWritten.inc(w.rowsWritten);
    },
    batchChecked: (size, seconds) => {
      batchSize(size);
      batchSeconds(seconds);
    },
    endToEndSeconds: (seconds) => {
      endToEnd(seconds);
      latency.recordSeconds(seconds);
    },
  };

  return { registry, pipeline, instruments: i, latency };
}
