/**
 * What one check cost, from two scrapes of the detector's /metrics around a phase (differences,
 * never cumulative values): Cassandra statements (reads + writes), rows and partitions read, rows
 * written, events checked together per batch. The detector's own counters are used when it has
 * them (`geoanomaly_cassandra_statements_total{operation}` and the rows/partitions counters);
 * a detector without them (an earlier release) falls back to its per-check read histogram
 * (`geoanomaly_cql_queries_per_check`) plus its writes per stored event.
 */
import { byLabel } from "./check-counters.js";
import { bucketDelta, integerBuckets, total, type Scrape } from "./scrape.js";
import { countsQuantile } from "./stats.js";

/** Mean and quantiles of a histogram's increase (quantiles are bucket upper bounds). */
export interface PerCheck {
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
}

/** What a histogram gained between two scrapes: mean and bucket-bound quantiles. */
export function perCheck(before: Scrape, after: Scrape, name: string): PerCheck {
  const buckets = bucketDelta(integerBuckets(after, name), integerBuckets(before, name));
  const count = [...buckets.values()].reduce((a, b) => a + b, 0);
  const sum = total(after, `${name}_sum`) - total(before, `${name}_sum`);
  return {
    mean: count === 0 ? null : sum / count,
    p50: countsQuantile(buckets, 0.5),
    p99: countsQuantile(buckets, 0.99),
  };
}

export interface CheckCostFigures {
  /** Checks (scored + insufficient) between the scrapes. */
  readonly checks: number;
  /** Where the statement figures come from. */
  readonly statementsFrom: "statement counters" | "per-check reads + writes per event" | null;
  readonly statementsPerCheck: number | null;
  readonly readStatementsPerCheck: number | null;
  readonly writeStatementsPerCheck: number | null;
  /** Rows read per check from the rows-read counter (every row the check path fetched). */
  readonly rowsReadPerCheckCounted: number | null;
  readonly partitionsReadPerCheckCounted: number | null;
  readonly rowsWrittenPerCheck: number | null;
  /** Rows a check's search considered (histogram). */
  readonly rowsReadPerCheck: PerCheck;
  readonly partitionsPerCheck: PerCheck;
  /** Events checked together; null figures when the detector checks one event at a time. */
  readonly checkBatchSize: PerCheck;
  /** The earlier release's per-check read statements (histogram), when it has one. */
  readonly cqlReadsPerCheck: PerCheck;
  /** Writes one stored event costs (gauge), when the detector exports it. */
  readonly writesPerEvent: number | null;
}

const STATEMENTS = "geoanomaly_cassandra_statements_total";

function delta(before: Scrape, after: Scrape, name: string): number | null {
  const has = after.series.has(name) || after.series.has(`${name}#sum`);
  return has ? total(after, name) - total(before, name) : null;
}

/** The cost figures of the checks run between `before` and `after` (see the module comment). */
export function checkCost(before: Scrape, after: Scrape): CheckCostFigures {
  const checks = total(after, "geoanomaly_checks_total") - total(before, "geoanomaly_checks_total");
  const per = (n: number | null): number | null => (n === null || checks <= 0 ? null : n / checks);
  const writesPerEvent = after.series.get("geoanomaly_store_writes_per_event") ?? null;
  const cqlReadsPerCheck = perCheck(before, after, "geoanomaly_cql_queries_per_check");
  const ops = byLabel(after, STATEMENTS, "operation");
  const opsBefore = byLabel(before, STATEMENTS, "operation");
  let statementsFrom: CheckCostFigures["statementsFrom"] = null;
  let reads: number | null = null;
  let writes: number | null = null;
  if (ops.size > 0) {
    statementsFrom = "statement counters";
    reads = per((ops.get("read") ?? 0) - (opsBefore.get("read") ?? 0));
    writes = per((ops.get("write") ?? 0) - (opsBefore.get("write") ?? 0));
  } else if (cqlReadsPerCheck.mean !== null || writesPerEvent !== null) {
    statementsFrom = "per-check reads + writes per event";
    reads = cqlReadsPerCheck.mean;
    writes = writesPerEvent;
  }
  return {
    checks,
    statementsFrom,
    statementsPerCheck: reads === null || writes === null ? null : reads + writes,
    readStatementsPerCheck: reads,
    writeStatementsPerCheck: writes,
    rowsReadPerCheckCounted: per(delta(before, after, "geoanomaly_cassandra_rows_read_total")),
    partitionsReadPerCheckCounted: per(
      delta(before, after, "geoanomaly_cassandra_partitions_read_total"),
    ),
    rowsWrittenPerCheck: per(delta(before, after, "geoanomaly_cassandra_rows_written_total")),
    rowsReadPerCheck: perCheck(before, after, "geoanomaly_search_rows_per_check"),
    partitionsPerCheck: perCheck(before, after, "geoanomaly_search_partitions_per_check"),
    checkBatchSize: perCheck(before, after, "geoanomaly_check_batch_size"),
    cqlReadsPerCheck,
    writesPerEvent,
  };
}
