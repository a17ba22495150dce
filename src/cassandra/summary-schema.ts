/**
 * The cluster summary's tables: the summary itself (per cell and slot, recomputed and overwritten,
 * never incremented), the touch log the write path fills before committing offsets, and the
 * rollers' progress. Rows carry their own TTL (the source length's), so the schema does not depend
 * on the layout.
 */
import { TOUCH_TTL_SECONDS } from "../domain/query/summary.js";
import { compactionWindow } from "../domain/sizing/levels.js";

export const SUMMARY_TABLE = "cell_summary";
export const MINUTES_TABLE = "cell_minutes";
export const TOUCHED_TABLE = "summary_touched";
export const PROGRESS_TABLE = "summary_progress";

/** Tombstones are rare (TTL expiry only, whole SSTables dropped by TWCS), so a short grace is safe. */
const GC_GRACE_SECONDS = 3 * 3600;

function twcs(bucketMs: number): string {
  const w = compactionWindow(bucketMs);
  return (
    `compaction = {'class': 'TimeWindowCompactionStrategy', ` +
    `'compaction_window_unit': '${w.unit}', 'compaction_window_size': ${w.size}}`
  );
}

/**
 * A table of per-cell sums partitioned by (region, hour): the summary (with its `length` column)
 * and the minute rows share the sums' columns and the time-window compaction.
 */
function sumsTable(
  keyspace: string,
  table: string,
  clustering: readonly (readonly [name: string, type: string])[],
  comment: string,
): string {
  return [
    `CREATE TABLE IF NOT EXISTS ${keyspace}.${table} (`,
    `    region text,`,
    `    bucket bigint,`,
    ...clustering.map(([name, type]) => `    ${name} ${type},`),
    `    events bigint,`,
    `    sum_lat double,`,
    `    sum_lon double,`,
    `    anomalies bigint,`,
    `    PRIMARY KEY ((region, bucket), ${clustering.map(([name]) => name).join(", ")})`,
    `) WITH gc_grace_seconds = ${GC_GRACE_SECONDS}`,
    `    AND ${twcs(3_600_000)}`,
    `    AND comment = '${comment}'`,
  ].join("\n");
}

/** The summary statements: summary, minute rows, touch log and progress tables. */
export function summaryTablesCql(keyspace: string): string[] {
  return [
    sumsTable(
      keyspace,
      SUMMARY_TABLE,
      [
        ["length", "int"],
        ["slot", "bigint"],
        ["cell", "text"],
      ],
      "cluster summary: events, anomalies and position sums per cell and 5-min slot, recomputed " +
        "from the event rows; partition = region 2 characters shorter than the cell x hour",
    ),
    sumsTable(
      keyspace,
      MINUTES_TABLE,
      [
        ["slot", "bigint"],
        ["cell", "text"],
      ],
      "cluster summary per minute at the source length: what a recount writes, summed into " +
        "cell_summary slots",
    ),
    [
      `CREATE TABLE IF NOT EXISTS ${keyspace}.${TOUCHED_TABLE} (`,
      `    minute bigint,`,
      `    cell text,`,
      `    slot bigint,`,
      `    touched timestamp,`,
      `    PRIMARY KEY ((minute), cell, slot)`,
      `) WITH default_time_to_live = ${TOUCH_TTL_SECONDS}`,
      `    AND gc_grace_seconds = ${GC_GRACE_SECONDS}`,
      `    AND ${twcs(3_600_000)}`,
      `    AND comment = 'summary touch log: (cell, slot) pairs stored, by minute of writing'`,
    ].join("\n"),
    [
      `CREATE TABLE IF NOT EXISTS ${keyspace}.${PROGRESS_TABLE} (`,
      `    name text PRIMARY KEY,`,
      `    through_minute bigint,`,
      `    as_of timestamp`,
      `) WITH comment = 'summary rollers: first touch-log minute not yet closed, last complete round'`,
    ].join("\n"),
  ];
}
