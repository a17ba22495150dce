/**
 * The cluster summary in Cassandra, write side: the touch log the detector fills before it
 * commits, and what the roller reads and writes. A recount is one GROUP BY over the source
 * length's partitions of a slot (Cassandra aggregates; one row per partition comes back) plus the
 * slot's rows of the alert archive; summary rows are plain inserts with a write time of when
 * their inputs were read, so replays and concurrent rollers overwrite rather than add.
 */
import type cassandra from "cassandra-driver";
import { ALERT_BUCKET_MS, ALERT_REGION_LENGTH } from "../domain/detect/alert-archive.js";
import { encode } from "../domain/geo/geo.js";
import { childCells } from "../domain/query/box-query.js";
import {
  groupBy,
  regionLength,
  MINUTE_SLOT_MS,
  SUMMARY_BUCKET_MS,
  SUMMARY_SLOT_MS,
  touchMinute,
  type SummaryRow,
  type TouchedPair,
} from "../domain/query/summary.js";
import type { Touch } from "../domain/query/touch-ledger.js";
import { bucketsInRange, bucketStart, tableName, type LevelSpec } from "../domain/sizing/levels.js";
import type { RollProgress, SummaryRollStore, TouchLog } from "../pipeline/summary-ports.js";
import { storeError } from "./errors.js";
import { allRows, chunks, mapBounded } from "./paging.js";
import { ALERTS_TABLE } from "./schema.js";
import {
  MINUTES_TABLE,
  PROGRESS_TABLE,
  SUMMARY_TABLE,
  summaryTablesCql,
  TOUCHED_TABLE,
} from "./summary-schema.js";
import { createMissing } from "./schema.js";

/** The progress row all rollers share. */
const PROGRESS_NAME = "rollers";
/** Cells per recount statement, and rows per summary write statement. */
const CELLS_PER_STATEMENT = 64;
const ROWS_PER_WRITE = 100;
const CONCURRENCY = 4;

export class CassandraSummaryStore implements TouchLog, SummaryRollStore {
  private readonly cql: {
    touch: string;
    touches: string;
    recount: string;
    alerts: string;
    rowsIn: string;
    write: string;
    minutesIn: string;
    writeMinute: string;
    progress: string;
    saveProgress: string;
  };

  /** `source` is the length every event is stored at whose rows the summary is counted from. */
  constructor(
    private readonly client: cassandra.Client,
    private readonly keyspace: string,
    private readonly source: LevelSpec,
    private readonly now: () => number = Date.now,
  ) {
    const ks = keyspace;
    this.cql = {
      touch: `INSERT INTO ${ks}.${TOUCHED_TABLE} (minute, cell, slot, touched) VALUES (?, ?, ?, ?)`,
      touches: `SELECT cell, slot, touched FROM ${ks}.${TOUCHED_TABLE} WHERE minute = ?`,
      recount:
        `SELECT cell, bucket, count(*) AS n, sum(lat) AS sum_lat, sum(lon) AS sum_lon ` +
        `FROM ${ks}.${tableName(source.length)} ` +
        `WHERE cell IN ? AND bucket IN ? AND time >= ? AND time < ? GROUP BY cell, bucket`,
      alerts:
        `SELECT lat, lon FROM ${ks}.${ALERTS_TABLE} ` +
        `WHERE region IN ? AND bucket = ? AND time >= ? AND time < ?`,
      rowsIn:
        `SELECT cell, slot, events, sum_lat, sum_lon, anomalies FROM ${ks}.${SUMMARY_TABLE} ` +
        `WHERE region = ? AND bucket = ? AND length = ? AND slot = ?`,
      write:
        `INSERT INTO ${ks}.${SUMMARY_TABLE} ` +
        `(region, bucket, length, slot, cell, events, sum_lat, sum_lon, anomalies) ` +
        `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?`,
      minutesIn:
        `SELECT cell, slot, events, sum_lat, sum_lon, anomalies FROM ${ks}.${MINUTES_TABLE} ` +
        `WHERE region = ? AND bucket = ? AND slot >= ? AND slot < ?`,
      writeMinute:
        `INSERT INTO ${ks}.${MINUTES_TABLE} ` +
        `(region, bucket, slot, cell, events, sum_lat, sum_lon, anomalies) ` +
        `VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?`,
      progress: `SELECT through_minute, as_of FROM ${ks}.${PROGRESS_TABLE} WHERE name = ?`,
      saveProgress: `INSERT INTO ${ks}.${PROGRESS_TABLE} (name, through_minute, as_of) VALUES (?, ?, ?)`,
    };
  }

  /** Creates the summary's tables if missing; safe to run again. */
  async applySchema(): Promise<void> {
    await createMissing(this.client, this.keyspace, summaryTablesCql(this.keyspace));
  }

  /** One statement: every pair goes to the current minute's partition (one mutation). */
  async mark(pairs: readonly TouchedPair[]): Promise<void> {
    if (pairs.length === 0) return;
    const nowMs = this.now();
    const minute = touchMinute(nowMs);
    const queries = pairs.map((p) => ({
      query: this.cql.touch,
      params: [minute, p.cell, p.slot, new Date(nowMs)],
    }));
    try {
      if (queries.length === 1) await this.client.execute(this.cql.touch, queries[0]?.params);
      else await this.client.batch(queries, { prepare: true, logged: false });
    } catch (err) {
      throw storeError("write", err);
    }
  }

  async touchesIn(minute: number): Promise<Touch[]> {
    const rows = await allRows(this.client, this.cql.touches, [minute]);
    return rows.map((r) => ({
      cell: r["cell"] as string,
      slot: Number(r["slot"]),
      touchedMs: (r["touched"] as Date).getTime(),
    }));
  }

  async recount(slot: number, cells: readonly string[]): Promise<SummaryRow[]> {
    const end = slot + MINUTE_SLOT_MS;
    const buckets = bucketsInRange(slot, end - 1, this.source.bucketMs);
    const [sums, anomalies] = await Promise.all([
      mapBounded(chunks(cells, CELLS_PER_STATEMENT), CONCURRENCY, (group) =>
        allRows(this.client, this.cql.recount, [group, buckets, new Date(slot), new Date(end)]),
      ),
      this.anomaliesIn(slot, cells),
    ]);
    const byCell = new Map<string, { count: number; sumLat: number; sumLon: number }>();
    for (const r of sums.flat()) {
      const cell = r["cell"] as string;
      const acc = byCell.get(cell) ?? { count: 0, sumLat: 0, sumLon: 0 };
      acc.count += Number(r["n"]);
      acc.sumLat += r["sum_lat"] as number;
      acc.sumLon += r["sum_lon"] as number;
      byCell.set(cell, acc);
    }
    return cells.map((cell) => ({
      cell,
      slot,
      count: 0,
      sumLat: 0,
      sumLon: 0,
      ...byCell.get(cell),
      anomalies: anomalies.get(cell) ?? 0,
    }));
  }

  /** Alerts of the slot per asked cell, from the archive's regions holding those cells. */
  private async anomaliesIn(slot: number, cells: readonly string[]): Promise<Map<string, number>> {
    const length = this.source.length;
    const asked = new Set(cells);
    const regions = new Set(
      cells.flatMap((c) =>
        c.length >= ALERT_REGION_LENGTH
          ? [c.slice(0, ALERT_REGION_LENGTH)]
          : childCells(c, ALERT_REGION_LENGTH),
      ),
    );
    const params = [
      bucketStart(slot, ALERT_BUCKET_MS),
      new Date(slot),
      new Date(slot + MINUTE_SLOT_MS),
    ];
    const rows = await mapBounded(chunks([...regions], CELLS_PER_STATEMENT), CONCURRENCY, (group) =>
      allRows(this.client, this.cql.alerts, [group, ...params]),
    );
    const out = new Map<string, number>();
    for (const r of rows.flat()) {
      const cell = encode(r["lat"] as number, r["lon"] as number, length);
      if (asked.has(cell)) out.set(cell, (out.get(cell) ?? 0) + 1);
    }
    return out;
  }

  async rowsIn(length: number, region: string, slot: number): Promise<SummaryRow[]> {
    const rows = await allRows(this.client, this.cql.rowsIn, [
      region,
      bucketStart(slot, SUMMARY_BUCKET_MS),
      length,
      slot,
    ]);
    return rows.map(decodeSummaryRow);
  }

  async minutesIn(region: string, slot: number): Promise<SummaryRow[]> {
    const rows = await allRows(this.client, this.cql.minutesIn, [
      region,
      bucketStart(slot, SUMMARY_BUCKET_MS),
      slot,
      slot + SUMMARY_SLOT_MS,
    ]);
    return rows.map(decodeSummaryRow);
  }

  writeMinutes(rows: readonly SummaryRow[], computedAtMs: number): Promise<void> {
    return this.upsert(this.cql.writeMinute, this.source.length, rows, computedAtMs, () => []);
  }

  write(length: number, rows: readonly SummaryRow[], computedAtMs: number): Promise<void> {
    return this.upsert(this.cql.write, length, rows, computedAtMs, () => [length]);
  }

  /**
   * Inserts rows of cells of `length` grouped by partition (region, hour), one unlogged batch of
   * at most ROWS_PER_WRITE rows per statement; `extra` binds what follows the bucket.
   */
  private async upsert(
    cql: string,
    length: number,
    rows: readonly SummaryRow[],
    computedAtMs: number,
    extra: () => number[],
  ): Promise<void> {
    const r = regionLength(length);
    const micros = computedAtMs * 1000;
    const partitions = groupBy(
      rows,
      (row) => `${row.cell.slice(0, r)}/${bucketStart(row.slot, SUMMARY_BUCKET_MS)}`,
    );
    const statements = [...partitions.values()].flatMap((p) => chunks(p, ROWS_PER_WRITE));
    await mapBounded(statements, CONCURRENCY, async (group) => {
      const queries = group.map((row) => ({
        query: cql,
        params: [
          row.cell.slice(0, r),
          bucketStart(row.slot, SUMMARY_BUCKET_MS),
          ...extra(),
          row.slot,
          row.cell,
          row.count,
          row.sumLat,
          row.sumLon,
          row.anomalies,
          this.source.ttlSeconds,
          micros,
        ],
      }));
      try {
        await this.client.batch(queries, { prepare: true, logged: false });
      } catch (err) {
        throw storeError("write", err);
      }
    });
  }

  async progress(): Promise<RollProgress | undefined> {
    const rs = await this.client.execute(this.cql.progress, [PROGRESS_NAME]);
    const row = rs.first() as cassandra.types.Row | null;
    if (row === null) return undefined;
    return {
      throughMinute: Number(row["through_minute"]),
      asOfMs: (row["as_of"] as Date).getTime(),
    };
  }

  async saveProgress(progress: RollProgress): Promise<void> {
    await this.client.execute(this.cql.saveProgress, [
      PROGRESS_NAME,
      progress.throughMinute,
      new Date(progress.asOfMs),
    ]);
  }
}

/** A summary row as the table holds it. */
export function decodeSummaryRow(r: cassandra.types.Row): SummaryRow {
  return {
    cell: r["cell"] as string,
    slot: Number(r["slot"]),
    count: Number(r["events"]),
    sumLat: r["sum_lat"] as number,
    sumLon: r["sum_lon"] as number,
    anomalies: Number(r["anomalies"]),
  };
}

export { PROGRESS_NAME };
