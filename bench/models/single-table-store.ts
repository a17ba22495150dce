import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../../src/domain/event.js";
import {
  bucketStart,
  bucketsInRange,
  type LevelLayout,
  type LevelSpec,
} from "../../src/domain/levels.js";
import type { CellRead } from "../../src/domain/search.js";
import type { EventStore, StoreReadResult } from "../../src/pipeline/ports.js";
import { prefixes, runAll, singleTableLevel, toCandidate } from "./common.js";

/** One statement of a model: its CQL and bound values. */
export interface Statement {
  readonly cql: string;
  readonly params: readonly unknown[];
}

/** Rows one statement may return: far above any cell of a benchmark run. */
const PAGE_ROWS = 100_000;

/**
 * What the single-table comparison models share: one write per event, one read per cell (their
 * cells cannot share an IN), one time bucket, the same ping. Their partitions are whole length-1
 * cells and their rows are not ordered by time within a cell, so a read takes every row of the
 * cell in the window: unlike the table-per-length store they cannot bound a hot cell by time.
 */
export abstract class SingleTableStore implements EventStore {
  readonly writesPerEvent = 1;
  protected readonly level: LevelSpec;

  constructor(
    protected readonly client: cassandra.Client,
    protected readonly keyspace: string,
    layout: LevelLayout,
    private readonly table: string,
  ) {
    this.level = singleTableLevel(layout);
  }

  /** The model's CREATE statements (the keyspace exists). */
  protected abstract schemaStatements(): string[];
  /** The insert of one event, given its geohash prefixes g1..g8 and time bucket. */
  protected abstract insertOf(event: GeoEvent, g: readonly string[], bucket: number): Statement;
  /** The select of one cell of a read, given the read's buckets (newest first). */
  protected abstract selectOf(cell: string, read: CellRead, buckets: readonly number[]): Statement;

  async schema(): Promise<void> {
    await runAll(this.client, this.schemaStatements());
  }

  async write(event: GeoEvent, hash: string): Promise<void> {
    const g = prefixes(event.lat, event.lon, hash);
    const { cql, params } = this.insertOf(event, g, bucketStart(event.timeMs, this.level.bucketMs));
    await this.client.execute(cql, [...params]);
  }

  async read(request: CellRead): Promise<StoreReadResult> {
    const buckets = bucketsInRange(request.fromMs, request.toMs, this.level.bucketMs);
    const sets = await Promise.all(
      request.cells.map((cell) => {
        const { cql, params } = this.selectOf(cell, request, buckets);
        return this.client.execute(cql, [...params], { fetchSize: PAGE_ROWS });
      }),
    );
    return {
      rows: sets.flatMap((rs) => rs.rows.map(toCandidate)),
      // A cell's read touches the (g1, bucket) partitions of its buckets.
      partitions: request.cells.length * buckets.length,
      statements: request.cells.length,
    };
  }

  async ping(): Promise<void> {
    await this.client.execute(`SELECT id FROM ${this.keyspace}.${this.table} LIMIT 1`, [], {
      prepare: false,
    });
  }

  /** The row values every model stores after its geohash columns. */
  protected static rowValues(event: GeoEvent, bucket: number): unknown[] {
    return [bucket, new Date(event.timeMs), event.id, event.lat, event.lon, event.value];
  }

  /** The time window every select ends with. */
  protected static windowOf(read: CellRead): unknown[] {
    return [new Date(read.fromMs), new Date(read.toMs)];
  }
}
