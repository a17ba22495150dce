/**
 * Stable table ids. Cassandra (before its transactional metadata) gives each CREATE TABLE a
 * random id; two processes creating the same missing table at once (two detectors starting on a
 * new keyspace) make two ids for one table, and the cluster may later settle on the other one's
 * data directory: writes of the losing id are lost on a restart (CASSANDRA-10699). With the id
 * derived from the table's name, every creator proposes the same id and the two creations are
 * the same table.
 */
import { createHash } from "node:crypto";

/** A name-based (version 5 layout) UUID for `keyspace.table`, the same on every run. */
export function stableTableId(keyspace: string, table: string): string {
  const hash = createHash("sha1").update(`geoanomaly table ${keyspace}.${table}`).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const CREATE_TABLE = /^CREATE TABLE IF NOT EXISTS ([a-z0-9_]+)\.([a-z0-9_]+) /i;

/** A CREATE TABLE statement with its stable id added (other statements unchanged). */
export function withStableId(statement: string): string {
  const m = CREATE_TABLE.exec(statement);
  if (m?.[1] === undefined || m[2] === undefined || /\n {4}AND ID = /.test(statement))
    return statement;
  return `${statement}\n    AND ID = ${stableTableId(m[1], m[2])}`;
}
