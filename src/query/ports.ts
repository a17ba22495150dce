/**
 * What the query side needs from storage, as interfaces: the HTTP routes and the query services
 * depend on these, the Cassandra readers implement them, and unit tests use fakes.
 */
import type { AnomalyAlert } from "../domain/detect/alert.js";
import type { Box } from "../domain/geo/cover.js";
import type { TimeWindow } from "../domain/query/query-window.js";
import type { CellSums } from "../domain/query/rollup.js";
import type { SummaryRead, SummaryRow } from "../domain/query/summary.js";

/** A stored event as the API answers it (time in epoch ms until serialised). */
export interface StoredEvent {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly value: number;
  readonly timeMs: number;
}

/** A cell of a cover, and whether it lies wholly inside the box (its rows need no test). */
export interface CoverCell {
  readonly hash: string;
  readonly inside: boolean;
}

/**
 * What one request may still spend: rows read from storage and wall time. Readers ask before
 * every statement and cap each statement's rows with it, so a request never reads past its
 * budget; running out is a refusal saying how to narrow the query, never a partial answer.
 */
export interface ReadBudget {
  /** Rows read so far (the answers report it). */
  readonly rowsRead: number;
  /** Rows the request may still read. */
  rowsLeft(): number;
  /** Counts rows a statement returned. */
  spend(rows: number): void;
  /** Milliseconds a statement may still take; throws QUERY_TIMEOUT when cancelled or out of time. */
  msLeft(): number;
  /** Refuses the request (QUERY_TOO_LARGE): `needed` more rows than the budget has left. */
  exhausted(what: string): never;
}

/** The newest rows inside a box: the partitions cells x buckets, rows in the window, exactly filtered. */
export interface BoxRead {
  readonly box: Box;
  readonly cells: readonly CoverCell[];
  /** Bucket starts, newest first. */
  readonly buckets: readonly number[];
  readonly window: TimeWindow;
  readonly limit: number;
  readonly budget: ReadBudget;
}

/** Rows found, newest first, at most `limit`; `truncated` when more exist. */
export interface BoxResult<T> {
  readonly rows: readonly T[];
  readonly truncated: boolean;
  /** Partitions actually read (buckets past the newest `limit` rows are skipped). */
  readonly partitions: number;
}

/** Reads events of one length's table. */
export interface EventReader {
  newestInBox(length: number, read: BoxRead): Promise<BoxResult<StoredEvent>>;
  /** Count and position sums per (cell, bucket) partition, aggregated by Cassandra. */
  cellSums(
    length: number,
    cells: readonly string[],
    buckets: readonly number[],
    window: TimeWindow,
    budget: ReadBudget,
  ): Promise<readonly CellSums[]>;
}

/** Reads the alert archive; cells are regions of ALERT_REGION_LENGTH. */
export interface AlertReader {
  newestInBox(read: BoxRead): Promise<BoxResult<AnomalyAlert>>;
}

/** Summary rows with the round they are exact as of: every event stored before it is counted. */
export interface SummaryRows {
  readonly rows: SummaryRow[];
  /** Start of the rollers' last complete round when the rows were read; undefined before the first. */
  readonly asOf: number | undefined;
}

/** Reads the cluster summary (per cell and slot, kept current by the detectors' rollers). */
export interface SummaryReader {
  /** The rows of the read's length in its partitions and slot range; rows count against the budget. */
  read(read: SummaryRead, budget: ReadBudget): Promise<SummaryRows>;
  /** Start of the rollers' last complete round (every event stored before it is counted). */
  asOf(): Promise<number | undefined>;
}
