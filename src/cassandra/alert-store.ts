/**
 * The alert archive: the detector stores each alert here before publishing it (idempotently by
 * event id), and the query API reads alerts back by region, bucket and time.
 */
import type cassandra from "cassandra-driver";
import type { AnomalyAlert } from "../domain/detect/alert.js";
import { alertRow } from "../domain/detect/alert-archive.js";
import type { AlertArchive } from "../pipeline/ports.js";
import type { AlertReader, BoxRead, BoxResult } from "../query/ports.js";
import { readNewestInBox, type BoxTable } from "./box-reader.js";
import { ALERTS_TABLE, alertsTableCql, createMissing } from "./schema.js";

export class CassandraAlertStore implements AlertArchive, AlertReader {
  private readonly insert: string;
  private readonly table: BoxTable<AnomalyAlert>;

  constructor(
    private readonly client: cassandra.Client,
    private readonly keyspace: string,
  ) {
    this.insert =
      `INSERT INTO ${keyspace}.${ALERTS_TABLE} (region, bucket, time, event_id, lat, lon, alert) ` +
      `VALUES (?, ?, ?, ?, ?, ?, ?)`;
    this.table = {
      table: `${keyspace}.${ALERTS_TABLE}`,
      key: "region",
      columns: "event_id, lat, lon, time, alert",
      decode: (row) => ({
        id: row["event_id"] as string,
        lat: row["lat"] as number,
        lon: row["lon"] as number,
        timeMs: (row["time"] as Date).getTime(),
        item: JSON.parse(row["alert"] as string) as AnomalyAlert,
      }),
    };
  }

  /** Creates the archive table if missing (whatever the data model); safe to run again. */
  async applySchema(): Promise<void> {
    await createMissing(this.client, this.keyspace, [alertsTableCql(this.keyspace)]);
  }

  /** One single-partition upsert per alert, concurrently; rejects if any failed. */
  async store(alerts: readonly AnomalyAlert[]): Promise<void> {
    const results = await Promise.allSettled(
      alerts.map((alert) => {
        const r = alertRow(alert);
        return this.client.execute(this.insert, [
          r.region,
          r.bucket,
          new Date(r.timeMs),
          r.eventId,
          r.lat,
          r.lon,
          JSON.stringify(alert),
        ]);
      }),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failures.length > 0) {
      throw new AggregateError(
        failures.map((f) => f.reason as unknown),
        `${failures.length} of ${alerts.length} alert archive writes failed`,
      );
    }
  }

  newestInBox(read: BoxRead): Promise<BoxResult<AnomalyAlert>> {
    return readNewestInBox(this.client, this.table, read);
  }
}
