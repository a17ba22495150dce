/**
 * A table-per-length store in memory: a fake at the storage port for unit tests. Partitions by
 * (length, cell, time bucket), newest rows first, at most rowsPerPartition + 1 rows per partition
 * per read, upserts by (time, id) as Cassandra's primary key does.
 */
import type { GeoEvent } from "../../src/domain/detect/event.js";
import { encode } from "../../src/domain/geo/geo.js";
import { entryOf } from "../../src/domain/detect/maps.js";
import { bucketStart, type LevelLayout } from "../../src/domain/sizing/levels.js";
import type { Candidate } from "../../src/domain/detect/neighbours.js";
import type { PartitionRows } from "../../src/domain/detect/partition-cache.js";
import type { PartitionRead } from "../../src/domain/detect/read-plan.js";
import type { PartitionWrite } from "../../src/domain/detect/write-plan.js";
import type { EventStore } from "../../src/pipeline/ports.js";

export interface MemoryStoreCalls {
  /** Every partition written, one entry per partition. */
  writes: PartitionWrite[];
  /** How many partitions each write statement carried. */
  statements: number[];
  reads: PartitionRead[];
}

export class MemoryStore implements EventStore {
  readonly calls: MemoryStoreCalls = { writes: [], statements: [], reads: [] };
  /** `${length}/${cell}/${bucket}` -> `${time}/${id}` -> row. */
  private readonly partitions = new Map<string, Map<string, Candidate>>();
  /** Failures to inject: each call of that kind throws the next one while any are left. */
  readonly failWrites: Error[] = [];
  readonly failReads: Error[] = [];
  /** Writes containing an event with this id are refused with this error (a bad value). */
  readonly refuse = new Map<string, Error>();

  constructor(private readonly layout: LevelLayout) {}

  get writesPerEvent(): number {
    return this.layout.length;
  }

  /** Stores events directly (history that exists before a test's batch). */
  seed(events: readonly GeoEvent[]): void {
    for (const e of events) {
      for (const level of this.layout) {
        this.put(
          level.length,
          encode(e.lat, e.lon, level.length),
          bucketStart(e.timeMs, level.bucketMs),
          e,
        );
      }
    }
  }

  /** Rows stored at one length (for duplicate checks). */
  rowsAt(length: number): Candidate[] {
    const out: Candidate[] = [];
    for (const [key, rows] of this.partitions)
      if (key.startsWith(`${length}/`)) out.push(...rows.values());
    return out;
  }

  /** One replica set per length: partitions of a length share statements, lengths do not. */
  replicasOf(write: PartitionWrite): string {
    return String(write.length);
  }

  writePartitions(writes: readonly PartitionWrite[]): Promise<void> {
    this.calls.statements.push(writes.length);
    this.calls.writes.push(...writes);
    const failure = this.failWrites.shift();
    if (failure !== undefined) return Promise.reject(failure);
    for (const e of writes.flatMap((w) => w.events)) {
      const refused = this.refuse.get(e.id);
      if (refused !== undefined) return Promise.reject(refused);
    }
    for (const w of writes) for (const e of w.events) this.put(w.length, w.cell, w.bucket, e);
    return Promise.resolve();
  }

  readPartitions(read: PartitionRead): Promise<readonly PartitionRows[]> {
    this.calls.reads.push(read);
    const failure = this.failReads.shift();
    if (failure !== undefined) return Promise.reject(failure);
    const out: PartitionRows[] = [];
    for (const cell of read.cells) {
      for (const bucket of read.buckets) {
        const rows = [...(this.partitions.get(`${read.length}/${cell}/${bucket}`)?.values() ?? [])]
          .filter((r) => r.timeMs >= read.fromMs && r.timeMs <= read.toMs)
          .sort((a, b) => b.timeMs - a.timeMs || (a.id < b.id ? -1 : 1))
          .slice(0, read.rowsPerPartition + 1);
        if (rows.length > 0) out.push({ cell, bucket, rows });
      }
    }
    return Promise.resolve(out);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  private put(length: number, cell: string, bucket: number, e: Candidate): void {
    const key = `${length}/${cell}/${bucket}`;
    entryOf(this.partitions, key, () => new Map<string, Candidate>()).set(`${e.timeMs}/${e.id}`, {
      id: e.id,
      lat: e.lat,
      lon: e.lon,
      value: e.value,
      timeMs: e.timeMs,
    });
  }
}
