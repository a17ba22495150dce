import type cassandra from "cassandra-driver";
import type { GeoEvent } from "../../domain/event.js";
import { bucketStart, type LevelLayout, type LevelSpec } from "../../domain/levels.js";
import type { Candidate, SearchStep } from "../../domain/search.js";
import { prefixes, runAll, singleTableLevel, stepBuckets, toCandidate } from "./common.js";
import type { ModelStore } from "./model-store.js";

/** One statement of a model: its CQL and bound values. */
export interface Statement {
  readonly cql: string;
  readonly params: readonly unknown[];
}

/**
 * What the single-table comparison models share: one write per event, one read per cell of a
 * step (their cells cannot share an IN), one time bucket, the same ping. A model says only how
 * its schema, its insert and its per-cell select look.
 */
export abstract class SingleTableStore implements ModelStore {
  readonly writesPerEvent = 1;
  protected readonly level: LevelSpec;

  constructor(
    protected readonly client: cassandra.Client,
    protected readonly keyspace: string,
    layout: LevelLayout,
    protected readonly limit: number,
    private readonly table: string,
  ) {
    this.level = singleTableLevel(layout);
  }

  /** The model's CREATE statements (the keyspace exists). */
  protected abstract schemaStatements(): string[];
  /** The insert of one event, given its geohash prefixes g1..g8 and time bucket. */
  protected abstract insertOf(event: GeoEvent, g: readonly string[], bucket: number): Statement;
  /** The select of one cell of a step, given the step's buckets (newest first). */
  protected abstract selectOf(
    cell: string,
    step: SearchStep,
    buckets: readonly number[],
  ): Statement;

  async schema(): Promise<void> {
    await runAll(this.client, this.schemaStatements());
  }

  async write(event: GeoEvent): Promise<void> {
    const g = prefixes(event.lat, event.lon);
    const { cql, params } = this.insertOf(event, g, bucketStart(event.timeMs, this.level.bucketMs));
    await this.client.execute(cql, [...params]);
  }

  statementsFor(step: SearchStep): number {
    return step.cells.length;
  }

  async fetch(step: SearchStep): Promise<readonly Candidate[]> {
    const buckets = stepBuckets(step, this.level);
    const sets = await Promise.all(
      step.cells.map((cell) => {
        const { cql, params } = this.selectOf(cell, step, buckets);
        return this.client.execute(cql, [...params]);
      }),
    );
    return sets.flatMap((rs) => rs.rows.map(toCandidate));
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

  /** The time window and row limit every select ends with. */
  protected windowOf(step: SearchStep): unknown[] {
    return [new Date(step.fromMs), new Date(step.toMs), this.limit];
  }
}
