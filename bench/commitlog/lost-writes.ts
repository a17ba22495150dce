/**
 * Scenario: acknowledged writes lost when Cassandra nodes are SIGKILLed mid-stream. Rows of the
 * product's `events_l8` shape are written as fast as the stack takes them, through the product's
 * driver settings (its consistency, no driver retries); every acknowledged id is kept. Some nodes
 * are killed with `servers kill` while the writes run, started again with `servers start`, and
 * every acknowledged row is looked for: a row no replica returns is lost. On a cluster the rows
 * are read twice, first at the product's consistency (what a detector would see right after the
 * restart), then at ALL (a row any replica still holds is found).
 */
import { loadavg } from "node:os";
import cassandra from "cassandra-driver";
import { createCassandraClient } from "../../src/cassandra/client.js";
import { schemaStatements } from "../../src/cassandra/schema.js";
import type { Config } from "../../src/config/load.js";
import { configuredLayout } from "../../src/config/layout.js";
import { bucketStart, tableName } from "../../src/domain/sizing/levels.js";
import { serverKill, serverStart } from "../../src/servers/local.js";
import { capacityKeyspace } from "../scenarios/capacity.js";
import type { KillScenario } from "./variants.js";

export interface LostWritesOptions {
  /** Writes in flight at once. */
  readonly concurrency: number;
  /** Seconds of writing before the kill. */
  readonly writeSecondsBeforeKill: number;
  /** Partitions the rows are spread over (read back one by one). */
  readonly partitions: number;
}

export interface LostWritesResult {
  readonly scenario: KillScenario["name"];
  readonly killed: readonly string[];
  readonly acknowledged: number;
  /** Of those, acknowledged after the kill (by the surviving replicas). */
  readonly acknowledgedAfterKill: number;
  readonly failed: number;
  /** Acknowledged rows that no replica returned (read at ALL). */
  readonly lost: number;
  /** Acknowledged rows a read at the product's consistency did not return, right after restart. */
  readonly missingAtProductConsistency: number;
  /** Acknowledged writes per second before the kill. */
  readonly writesPerSecond: number;
  readonly restartSeconds: number;
  readonly loadAverage: { readonly before: number; readonly after: number };
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const READ_ATTEMPTS = 5;

interface Table {
  readonly keyspace: string;
  readonly name: string;
  readonly bucket: number;
  readonly cellOf: (id: number) => string;
}

async function createTable(
  client: cassandra.Client,
  config: Config,
  o: LostWritesOptions,
): Promise<Table> {
  const level = configuredLayout({ ...config, geohashLengths: [8] })[0];
  if (level === undefined) throw new Error("no level for geohash length 8");
  const keyspace = capacityKeyspace().replace(/^capacity_/, "lost_");
  for (const statement of schemaStatements([level], keyspace, config.cassandraReplication))
    await client.execute(statement, [], { prepare: false });
  return {
    keyspace,
    name: `${keyspace}.${tableName(level.length)}`,
    bucket: bucketStart(Date.now(), level.bucketMs),
    cellOf: (id) => `u4pruyd${id % o.partitions}`,
  };
}

/** Writes until `stop()` says so; returns the acknowledged ids and when each was acknowledged. */
async function writeUntil(
  client: cassandra.Client,
  table: Table,
  concurrency: number,
  stop: () => boolean,
): Promise<{ acked: number[]; ackedAt: number[]; failed: number }> {
  const insert = `INSERT INTO ${table.name} (cell, bucket, time, id, lat, lon, value) VALUES (?, ?, ?, ?, ?, ?, ?)`;
  const acked: number[] = [];
  const ackedAt: number[] = [];
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (!stop()) {
      const id = next++;
      try {
        await client.execute(insert, [
          table.cellOf(id),
          table.bucket,
          new Date(),
          String(id),
          48.8566,
          2.3522,
          20 + (id % 7),
        ]);
        acked.push(id);
        ackedAt.push(Date.now());
      } catch {
        failed++;
        await pause(10);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { acked, ackedAt, failed };
}

/** The ids present in the table, read partition by partition (default: the product's consistency). */
async function storedIds(
  client: cassandra.Client,
  table: Table,
  partitions: number,
  consistency?: number,
): Promise<Set<string>> {
  const ids = new Set<string>();
  const select = `SELECT id FROM ${table.name} WHERE cell = ? AND bucket = ?`;
  for (let p = 0; p < partitions; p++) {
    // A node just restarted may be slow to answer (commit log replay, compaction): retry.
    for (let attempt = 1; ; attempt++) {
      try {
        const rs = await client.execute(select, [table.cellOf(p), table.bucket], {
          fetchSize: 5000,
          readTimeout: 60_000,
          ...(consistency === undefined ? {} : { consistency }),
        });
        for await (const row of rs) ids.add(String(row["id"]));
        break;
      } catch (err) {
        if (attempt >= READ_ATTEMPTS) throw err;
        await pause(2000);
      }
    }
  }
  return ids;
}

/** Runs one kill scenario on a running stack and leaves it running again. */
export async function measureLostWrites(
  config: Config,
  root: string,
  scenario: KillScenario,
  o: LostWritesOptions,
  say: (line: string) => void,
): Promise<LostWritesResult> {
  const loadBefore = loadavg()[0] ?? 0;
  const setup = createCassandraClient(config);
  await setup.connect();
  const table = await createTable(setup, config, o).finally(() => setup.shutdown());
  const writer = createCassandraClient(config);
  await writer.connect();
  let killedAt = Number.POSITIVE_INFINITY;
  let stopAt = Number.POSITIVE_INFINITY;
  const t0 = Date.now();
  say(
    `lost writes (${scenario.name}): writing at ${o.concurrency} in flight, SIGKILL of ${scenario.nodes.join(", ")} after ${o.writeSecondsBeforeKill} s`,
  );
  const writing = writeUntil(writer, table, o.concurrency, () => Date.now() >= stopAt);
  await pause(o.writeSecondsBeforeKill * 1000);
  killedAt = Date.now();
  for (const node of scenario.nodes) await serverKill(node, say, root);
  stopAt = Date.now() + scenario.writeSecondsAfterKill * 1000;
  const written = await writing;
  await writer.shutdown().catch(() => undefined);

  const r0 = Date.now();
  for (const node of scenario.nodes) await serverStart(node, say, root);
  const restartSeconds = (Date.now() - r0) / 1000;

  const reader = createCassandraClient(config);
  await reader.connect();
  try {
    const product = await storedIds(reader, table, o.partitions);
    const all = await storedIds(reader, table, o.partitions, cassandra.types.consistencies.all);
    const missing = (found: Set<string>): number =>
      written.acked.filter((id) => !found.has(String(id))).length;
    const beforeKill = written.ackedAt.filter((t) => t < killedAt).length;
    await reader.execute(`DROP KEYSPACE IF EXISTS ${table.keyspace}`, [], { prepare: false });
    return {
      scenario: scenario.name,
      killed: scenario.nodes,
      acknowledged: written.acked.length,
      acknowledgedAfterKill: written.acked.length - beforeKill,
      failed: written.failed,
      lost: missing(all),
      missingAtProductConsistency: missing(product),
      writesPerSecond: beforeKill / ((killedAt - t0) / 1000),
      restartSeconds,
      loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
    };
  } finally {
    await reader.shutdown().catch(() => undefined);
  }
}
