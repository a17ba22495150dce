import { describe, expect, it } from "vitest";
import { checkCost } from "../../../bench/lib/check-cost.js";
import { parsePrometheus } from "../../../bench/lib/scrape.js";

const scrape = (lines: string[]) => parsePrometheus(lines.join("\n"));

describe("checkCost", () => {
  it("divides the statement counters' increase by the checks' increase, never cumulative values", () => {
    const before = scrape([
      'geoanomaly_checks_total{result="scored"} 1000',
      'geoanomaly_cassandra_statements_total{operation="read"} 900',
      'geoanomaly_cassandra_statements_total{operation="write"} 700',
      "geoanomaly_cassandra_rows_read_total 50000",
      "geoanomaly_cassandra_partitions_read_total 4000",
      "geoanomaly_cassandra_rows_written_total 7000",
      'geoanomaly_check_batch_size_bucket{le="10"} 20',
      'geoanomaly_check_batch_size_bucket{le="50"} 100',
      'geoanomaly_check_batch_size_bucket{le="+Inf"} 100',
      "geoanomaly_check_batch_size_sum 1000",
      "geoanomaly_store_writes_per_event 7",
    ]);
    const after = scrape([
      'geoanomaly_checks_total{result="scored"} 1600',
      'geoanomaly_checks_total{result="insufficient"} 400',
      'geoanomaly_cassandra_statements_total{operation="read"} 1400',
      'geoanomaly_cassandra_statements_total{operation="write"} 1200',
      "geoanomaly_cassandra_rows_read_total 150000",
      "geoanomaly_cassandra_partitions_read_total 6000",
      "geoanomaly_cassandra_rows_written_total 14000",
      'geoanomaly_check_batch_size_bucket{le="10"} 20',
      'geoanomaly_check_batch_size_bucket{le="50"} 140',
      'geoanomaly_check_batch_size_bucket{le="+Inf"} 140',
      "geoanomaly_check_batch_size_sum 2000",
      "geoanomaly_store_writes_per_event 7",
    ]);
    const c = checkCost(before, after);
    expect(c.checks).toBe(1000);
    expect(c.statementsFrom).toBe("statement counters");
    expect(c.readStatementsPerCheck).toBe(0.5);
    expect(c.writeStatementsPerCheck).toBe(0.5);
    expect(c.statementsPerCheck).toBe(1);
    expect(c.rowsReadPerCheckCounted).toBe(100);
    expect(c.partitionsReadPerCheckCounted).toBe(2);
    expect(c.rowsWrittenPerCheck).toBe(7);
    expect(c.checkBatchSize).toEqual({ mean: 25, p50: 50, p99: 50 });
  });

  it("falls back to per-check reads plus writes per event for a detector without the counters", () => {
    const before = scrape([
      'geoanomaly_checks_total{result="scored"} 100',
      'geoanomaly_cql_queries_per_check_bucket{le="1"} 60',
      'geoanomaly_cql_queries_per_check_bucket{le="2"} 100',
      'geoanomaly_cql_queries_per_check_bucket{le="+Inf"} 100',
      "geoanomaly_cql_queries_per_check_sum 140",
      "geoanomaly_store_writes_per_event 7",
    ]);
    const after = scrape([
      'geoanomaly_checks_total{result="scored"} 300',
      'geoanomaly_cql_queries_per_check_bucket{le="1"} 160',
      'geoanomaly_cql_queries_per_check_bucket{le="2"} 300',
      'geoanomaly_cql_queries_per_check_bucket{le="+Inf"} 300',
      "geoanomaly_cql_queries_per_check_sum 440",
      "geoanomaly_store_writes_per_event 7",
    ]);
    const c = checkCost(before, after);
    expect(c.statementsFrom).toBe("per-check reads + writes per event");
    expect(c.readStatementsPerCheck).toBe(1.5);
    expect(c.writeStatementsPerCheck).toBe(7);
    expect(c.statementsPerCheck).toBe(8.5);
    expect(c.rowsReadPerCheckCounted).toBeNull();
    expect(c.checkBatchSize.mean).toBeNull();
  });

  it("has no per-check figures without checks or metrics", () => {
    const c = checkCost(scrape([]), scrape([]));
    expect(c).toMatchObject({ checks: 0, statementsFrom: null, statementsPerCheck: null });
  });
});
