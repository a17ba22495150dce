/** What the detector stored: rows per event id in each length's table, read back in full. */
import type cassandra from "cassandra-driver";
import { tableName, type LevelLayout } from "../src/domain/sizing/levels.js";

export async function storedRows(
  client: cassandra.Client,
  keyspace: string,
  layout: LevelLayout,
): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>();
  for (const level of layout) {
    const rows = new Map<string, number>();
    let pageState: string | undefined;
    do {
      const rs = await client.execute(`SELECT id FROM ${keyspace}.${tableName(level.length)}`, [], {
        prepare: true,
        fetchSize: 5000,
        ...(pageState === undefined ? {} : { pageState }),
      });
      for (const row of rs.rows) {
        const id = row["id"] as string;
        rows.set(id, (rows.get(id) ?? 0) + 1);
      }
      pageState = rs.pageState ?? undefined;
    } while (pageState !== undefined);
    out.set(level.length, rows);
  }
  return out;
}
