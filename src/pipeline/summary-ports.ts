/**
 * What the cluster summary needs from storage, as interfaces: the write path's touch log, and the
 * roller's reads and writes. The Cassandra summary store implements them; unit tests use fakes.
 */
import type { SummaryRow, TouchedPair } from "../domain/query/summary.js";
import type { Touch } from "../domain/query/touch-ledger.js";

/**
 * Records durably which (cell, slot) pairs some stored events touched, so a roller recomputes
 * them: called after the events' rows (and alerts) are stored and before their offsets commit.
 */
export interface TouchLog {
  mark(pairs: readonly TouchedPair[]): Promise<void>;
}

/** Where the rollers are: the first touch-log minute not closed, and the last complete round. */
export interface RollProgress {
  readonly throughMinute: number;
  readonly asOfMs: number;
}

/** The roller's storage operations. */
export interface SummaryRollStore {
  /** The touches filed under one wall-clock minute. */
  touchesIn(minute: number): Promise<Touch[]>;
  /** Recounts cells of the source length for one minute from the event rows and the alert archive. */
  recount(minute: number, cells: readonly string[]): Promise<SummaryRow[]>;
  /** Overwrites minute rows of the source length (write time as for `write`). */
  writeMinutes(rows: readonly SummaryRow[], computedAtMs: number): Promise<void>;
  /** The minute rows of one partition region (of the source length) within one slot. */
  minutesIn(region: string, slot: number): Promise<SummaryRow[]>;
  /** The summary rows of `length` in one partition region for one slot. */
  rowsIn(length: number, region: string, slot: number): Promise<SummaryRow[]>;
  /**
   * Overwrites summary rows of `length`; `computedAtMs` (when their inputs were read) is their
   * write time, so of two rollers' answers the later-read one wins whichever lands last.
   */
  write(length: number, rows: readonly SummaryRow[], computedAtMs: number): Promise<void>;
  progress(): Promise<RollProgress | undefined>;
  saveProgress(progress: RollProgress): Promise<void>;
}

/** The roller as the service runs it: started once the store is ready, stopped in the shutdown. */
export interface SummaryRolling {
  start(): void;
  /** One round now, whatever the schedule: rows stored outside the detector (tools, tests). */
  round(): Promise<void>;
  /** Stops scheduling rounds and waits for the one running. */
  stop(): Promise<void>;
}
