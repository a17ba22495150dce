/**
 * The cluster summary in Cassandra, read side: the rows of one summary length in some partitions
 * and a slot range (each row counts against the request's budget), and when the rollers last
 * completed a round (the answer's `summaryAsOf`).
 */
import type cassandra from "cassandra-driver";
import type { SummaryRead } from "../domain/query/summary.js";
import type { ReadBudget, SummaryReader, SummaryRows } from "../query/ports.js";
import { allRows, chunks, mapBounded } from "./paging.js";
import { decodeSummaryRow, PROGRESS_NAME } from "./summary-store.js";
import { PROGRESS_TABLE, SUMMARY_TABLE } from "./summary-schema.js";

const PARTITIONS_PER_STATEMENT = 32;
const CONCURRENCY = 8;

export class CassandraSummaryReader implements SummaryReader {
  private readonly select: string;
  private readonly asOfCql: string;

  constructor(
    private readonly client: cassandra.Client,
    keyspace: string,
  ) {
    this.select =
      `SELECT cell, slot, events, sum_lat, sum_lon, anomalies FROM ${keyspace}.${SUMMARY_TABLE} ` +
      `WHERE region IN ? AND bucket IN ? AND length = ? AND slot >= ? AND slot <= ?`;
    this.asOfCql = `SELECT as_of FROM ${keyspace}.${PROGRESS_TABLE} WHERE name = ?`;
  }

  /** The as-of time first, then the rows: rows read after it are exact at least as of it. */
  async read(read: SummaryRead, budget: ReadBudget): Promise<SummaryRows> {
    const asOf = await this.asOf();
    const { regions, buckets } = read.partitions;
    const perStatement = Math.max(1, Math.floor(PARTITIONS_PER_STATEMENT / buckets.length));
    const results = await mapBounded(chunks(regions, perStatement), CONCURRENCY, (group) =>
      allRows(
        this.client,
        this.select,
        [group, buckets, read.length, read.fromSlot, read.toSlot],
        budget,
      ),
    );
    return { rows: results.flat().map(decodeSummaryRow), asOf };
  }

  async asOf(): Promise<number | undefined> {
    const rs = await this.client.execute(this.asOfCql, [PROGRESS_NAME]);
    const row = rs.first() as cassandra.types.Row | null;
    const asOf = row?.["as_of"] as Date | null | undefined;
    return asOf === null || asOf === undefined ? undefined : asOf.getTime();
  }
}
