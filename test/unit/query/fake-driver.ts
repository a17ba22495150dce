/**
 * A fake Cassandra client at the driver boundary for the query side: the per-length event tables
 * and the alert archive, each partition (cell, bucket) holding a few rows made up from its key,
 * answering the three statement shapes the readers send (IN with a per-partition limit, one
 * partition with a limit, GROUP BY sums). It counts the rows it returns and the partitions named,
 * so a test can hold a whole request to its budget.
 */
import type cassandra from "cassandra-driver";
import ngeohash from "ngeohash";

export interface DriverStats {
  rows: number;
  statements: number;
  partitions: Set<string>;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

type Row = Record<string, unknown>;

/** The rows of one partition, newest first: up to `maxRows` from its key, inside its cell. */
function partitionRows(cell: string, bucket: number, maxRows: number, alerts: boolean): Row[] {
  const h = hash(`${cell}/${bucket}`);
  const n = h % (maxRows + 1);
  const [s, w, north, e] = ngeohash.decode_bbox(cell);
  const rows: Row[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const f = ((h >>> 3) + i * 7919) % 1000;
    const lat = s + ((north - s) * f) / 1000;
    const lon = w + ((e - w) * ((f * 37) % 1000)) / 1000;
    const time = new Date(bucket + ((h >>> 7) % 1000) + i * 997);
    const id = `${cell}-${bucket}-${i}`;
    rows.push(
      alerts
        ? {
            region: cell,
            event_id: id,
            lat,
            lon,
            time,
            alert: JSON.stringify({ event: { id, lat, lon, time: time.toISOString(), value: 1 } }),
          }
        : { cell, id, lat, lon, value: i, time },
    );
  }
  return rows;
}

/** A client answering the query readers' statements; `perPartition` bounds rows per partition. */
export function fakeQueryDriver(perPartition: number): {
  client: cassandra.Client;
  stats: DriverStats;
} {
  const stats: DriverStats = { rows: 0, statements: 0, partitions: new Set() };
  const inWindow = (rows: Row[], from: Date, to: Date) =>
    rows.filter((r) => (r["time"] as Date) >= from && (r["time"] as Date) <= to);
  const client = {
    execute(cql: string, params: unknown[]) {
      stats.statements++;
      const alerts = cql.includes(".alerts ");
      let out: Row[];
      if (cql.includes("GROUP BY")) {
        const [cells, buckets, from, to] = params as [string[], number[], Date, Date];
        out = [];
        for (const cell of cells) {
          for (const bucket of buckets) {
            stats.partitions.add(`${cell}/${bucket}`);
            const rows = inWindow(partitionRows(cell, bucket, perPartition, false), from, to);
            if (rows.length === 0) continue;
            out.push({
              cell,
              bucket,
              n: rows.length,
              sum_lat: rows.reduce((a, r) => a + (r["lat"] as number), 0),
              sum_lon: rows.reduce((a, r) => a + (r["lon"] as number), 0),
            });
          }
        }
      } else if (cql.includes(" IN ? ")) {
        const [cells, bucket, from, to, limit] = params as [string[], number, Date, Date, number];
        out = cells.flatMap((cell) => {
          stats.partitions.add(`${cell}/${bucket}`);
          return inWindow(partitionRows(cell, bucket, perPartition, alerts), from, to).slice(
            0,
            limit,
          );
        });
      } else {
        const [cell, bucket, from, to, limit] = params as [string, number, Date, Date, number];
        stats.partitions.add(`${cell}/${bucket}`);
        out = inWindow(partitionRows(cell, bucket, perPartition, alerts), from, to).slice(0, limit);
      }
      stats.rows += out.length;
      return Promise.resolve({ rows: out, pageState: null });
    },
  };
  return { client: client as unknown as cassandra.Client, stats };
}
