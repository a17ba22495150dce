import type cassandra from "cassandra-driver";
import { encode } from "../domain/geo/geo.js";
import { cellIndexOf, columnOf, gridShape, rowOf } from "../domain/geo/grid.js";
import { bucketStart, tableName, type LevelLayout } from "../domain/sizing/levels.js";
import type { Candidate } from "../domain/detect/neighbours.js";
import type { PartitionRows } from "../domain/detect/partition-cache.js";
import type { PartitionRead } from "../domain/detect/read-plan.js";
import type { PartitionWrite } from "../domain/detect/write-plan.js";
import type { EventStore } from "../pipeline/ports.js";
import { storeError } from "./errors.js";

/**
 * The table-per-length store. New rows are upserted with prepared inserts: one alone, or an
 * unlogged batch of the rows of partitions that share their replicas (one mutation per partition;
 * the driver routes the batch to a replica of its first partition, so the coordinator holds every
 * partition it is sent). A read is one SELECT over its cells × time buckets, taking at most
 * rowsPerPartition + 1 newest rows per partition, handed back by partition: rows are matched to
 * their cell by grid arithmetic on their coordinates, without reading the key columns back.
 */
export class CassandraEventStore implements EventStore {
  private readonly inserts: ReadonlyMap<number, string>;
  private readonly selects: ReadonlyMap<number, string>;
  private readonly buckets: ReadonlyMap<number, number>;
  /** Replica sets of recently written partitions: hashing a key to its token is not free. */
  private readonly replicas = new Map<string, string>();

  constructor(
    private readonly client: cassandra.Client,
    private readonly keyspace: string,
    private readonly layout: LevelLayout,
  ) {
    this.inserts = new Map(
      layout.map((l) => [
        l.length,
        `INSERT INTO ${keyspace}.${tableName(l.length)} (cell, bucket, time, id, lat, lon, value) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ]),
    );
    this.selects = new Map(
      layout.map((l) => [
        l.length,
        `SELECT id, lat, lon, value, time FROM ${keyspace}.${tableName(l.length)} ` +
          `WHERE cell IN ? AND bucket IN ? AND time >= ? AND time <= ? PER PARTITION LIMIT ?`,
      ]),
    );
    this.buckets = new Map(layout.map((l) => [l.length, l.bucketMs]));
  }

  get writesPerEvent(): number {
    return this.layout.length;
  }

  async writePartitions(writes: readonly PartitionWrite[]): Promise<void> {
    const queries = writes.flatMap((w) => {
      const query = this.statement(this.inserts, w.length);
      return w.events.map((e) => ({
        query,
        params: [w.cell, w.bucket, new Date(e.timeMs), e.id, e.lat, e.lon, e.value],
      }));
    });
    const [only] = queries;
    if (only === undefined) return;
    try {
      if (queries.length === 1) await this.client.execute(only.query, only.params);
      else await this.client.batch(queries, { prepare: true, logged: false });
    } catch (err) {
      throw storeError("write", err);
    }
  }

  replicasOf(write: PartitionWrite): string {
    const key = `${write.length}/${write.cell}/${write.bucket}`;
    const known = this.replicas.get(key);
    if (known !== undefined) return known;
    // Null before the driver has the ring and the keyspace's metadata: one group then (not kept).
    const hosts = this.client.getReplicas(this.keyspace, routingKey(write.cell, write.bucket)) as
      cassandra.Host[] | null;
    if (hosts === null) return "";
    const replicas = hosts
      .map((h) => h.address)
      .sort()
      .join(",");
    // A partition's token never changes; a topology change only costs a batch an extra hop until
    // the entry is dropped, and the map is emptied whenever it grows past its bound.
    if (this.replicas.size >= REPLICA_CACHE_SIZE) this.replicas.clear();
    this.replicas.set(key, replicas);
    return replicas;
  }

  async readPartitions(read: PartitionRead): Promise<readonly PartitionRows[]> {
    const partitions = read.cells.length * read.buckets.length;
    if (partitions === 0) return [];
    const bucketMs = this.buckets.get(read.length);
    if (bucketMs === undefined) throw new Error(`geohash length ${read.length} is not stored`);
    const limit = read.rowsPerPartition + 1;
    const rs = await this.client
      .execute(
        this.statement(this.selects, read.length),
        [read.cells, read.buckets, new Date(read.fromMs), new Date(read.toMs), limit],
        // Every partition's rows in one page: the read is bounded by partitions × limit.
        { fetchSize: partitions * limit },
      )
      .catch((err: unknown) => {
        throw storeError("read", err);
      });
    return byPartition(rs.rows, read, bucketMs);
  }

  /** Answers only when every length's table can be read: what a resumed partition will need. */
  async ping(): Promise<void> {
    await Promise.all(
      this.layout.map((l) =>
        this.client.execute(`SELECT id FROM ${this.keyspace}.${tableName(l.length)} LIMIT 1`, [], {
          prepare: false,
        }),
      ),
    );
  }

  private statement(map: ReadonlyMap<number, string>, length: number): string {
    const cql = map.get(length);
    if (cql === undefined) throw new Error(`geohash length ${length} is not stored`);
    return cql;
  }
}

/** Partitions whose replica set is remembered before the memory is emptied. */
const REPLICA_CACHE_SIZE = 100_000;

/** The serialized partition key (cell text, bucket bigint) the driver hashes to a token. */
function routingKey(cell: string, bucket: number): Buffer {
  const text = Buffer.from(cell, "utf8");
  const out = Buffer.alloc(2 + text.length + 1 + 2 + 8 + 1);
  let at = out.writeUInt16BE(text.length, 0);
  at += text.copy(out, at);
  at = out.writeUInt8(0, at);
  at = out.writeUInt16BE(8, at);
  at = out.writeBigInt64BE(BigInt(bucket), at);
  out.writeUInt8(0, at);
  return out;
}

function asked(cells: readonly string[], cell: string): string | undefined {
  return cells.includes(cell) ? cell : undefined;
}

/**
 * The rows of a read grouped by partition. A row's cell is found from its coordinates (column and
 * row of the grid at the read's length, as the geohash assigns them) and its bucket from its time.
 */
function byPartition(
  rows: readonly cassandra.types.Row[],
  read: PartitionRead,
  bucketMs: number,
): PartitionRows[] {
  const shape = gridShape(read.length);
  const cellByIndex = new Map<number, string>();
  for (const cell of read.cells) {
    const { column, row } = cellIndexOf(cell);
    cellByIndex.set(column * shape.rows + row, cell);
  }
  const out = new Map<string, { cell: string; bucket: number; rows: Candidate[] }>();
  for (const r of rows) {
    const lat = r["lat"] as number;
    const lon = r["lon"] as number;
    const timeMs = (r["time"] as Date).getTime();
    // A coordinate on a cell edge is checked against the geohash itself, which the row was stored by.
    const cell =
      cellByIndex.get(columnOf(lon, shape) * shape.rows + rowOf(lat, shape)) ??
      asked(read.cells, encode(lat, lon, read.length));
    if (cell === undefined) continue;
    const bucket = bucketStart(timeMs, bucketMs);
    const key = `${cell}/${bucket}`;
    let p = out.get(key);
    if (p === undefined) out.set(key, (p = { cell, bucket, rows: [] }));
    p.rows.push({ id: r["id"] as string, lat, lon, value: r["value"] as number, timeMs });
  }
  return [...out.values()];
}
