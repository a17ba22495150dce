/**
 * Real partition sizes per table, as Cassandra 5 reports them on each node: the largest from the
 * virtual table system_views.max_partition_size (whole MiB), the mean and count from
 * system.table_estimates (refreshed every few minutes). Both describe flushed SSTables only, not
 * rows still in memtables. Each node answers for its own data, so every node is asked.
 */
import type cassandra from "cassandra-driver";
import type { ObservedTable } from "../domain/sizing/plan.js";

const MIB = 1024 * 1024;

/** Mean and max partition size of each table over every node of the cluster. */
export async function observePartitionSizes(
  client: cassandra.Client,
  keyspace: string,
  tables: readonly string[],
): Promise<ObservedTable[]> {
  const hosts = client.hosts.values();
  const out: ObservedTable[] = [];
  for (const table of tables) {
    let maxBytes: number | undefined;
    let totalBytes = 0;
    let partitions = 0;
    for (const host of hosts) {
      const opts = { host, prepare: false };
      const max = await client.execute(
        "SELECT mebibytes FROM system_views.max_partition_size WHERE keyspace_name = ? AND table_name = ?",
        [keyspace, table],
        opts,
      );
      for (const row of max.rows) {
        const bytes = Number(row["mebibytes"]) * MIB;
        maxBytes = Math.max(maxBytes ?? 0, bytes);
      }
      const est = await client.execute(
        "SELECT mean_partition_size, partitions_count FROM system.table_estimates " +
          "WHERE keyspace_name = ? AND table_name = ? AND range_type = 'local_primary'",
        [keyspace, table],
        opts,
      );
      for (const row of est.rows) {
        const count = Number(row["partitions_count"]);
        partitions += count;
        totalBytes += Number(row["mean_partition_size"]) * count;
      }
    }
    out.push({
      table,
      meanBytes: partitions > 0 ? totalBytes / partitions : undefined,
      maxBytes,
      partitions,
    });
  }
  return out;
}
