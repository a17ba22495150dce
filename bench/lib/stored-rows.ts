/**
 * What the final store holds for a row: every stored row of the finest stored length's table in
 * the row's keyspace (every event is written at every stored length at once), with its Cassandra
 * write time. An event without a row there was never stored (a lost write); a row written after a
 * check's search began was in flight for that check.
 */
import type cassandra from "cassandra-driver";
import { tableName } from "../../src/domain/sizing/levels.js";

/**
 * Write time in ms (WRITETIME is microseconds, taken by the detector's driver when it sent the
 * write) of every row of `<keyspace>.events_l<length>`, by event id, read page by page.
 */
export async function storedWriteTimes(
  client: cassandra.Client,
  keyspace: string,
  length: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const cql = `SELECT id, WRITETIME(value) AS w FROM ${keyspace}.${tableName(length)}`;
  let pageState: string | undefined;
  do {
    const rs = await client.execute(cql, [], {
      prepare: true,
      fetchSize: 5_000,
      ...(pageState === undefined ? {} : { pageState }),
    });
    for (const r of rs.rows) {
      const id = r["id"] as string;
      const written = Number(r["w"]) / 1000;
      // One row per (cell, bucket, time, id); an id seen twice keeps its later write time.
      out.set(id, Math.max(out.get(id) ?? -Infinity, written));
    }
    pageState = rs.pageState ?? undefined;
  } while (pageState !== undefined);
  return out;
}
