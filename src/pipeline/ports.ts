import type { AnomalyAlert } from "../domain/detect/alert.js";
import type { DeadLetterReason } from "../domain/detect/event.js";
import type { InsufficientReason, Verdict } from "../domain/detect/scoring.js";
import type { PartitionRows } from "../domain/detect/partition-cache.js";
import type { PartitionRead } from "../domain/detect/read-plan.js";
import type { SearchOutcome, SearchResult } from "../domain/detect/search.js";
import type { PartitionWrite } from "../domain/detect/write-plan.js";

/**
 * What the pipeline needs from storage, one statement per call so each is retried on its own:
 * write some partitions' new rows, and read the newest rows of some partitions of one length in a
 * time window. How a batch's writes and reads are grouped into statements is decided in the domain
 * (write-plan, read-plan); how cells and times map to tables is the store's business.
 */
export interface EventStore {
  /**
   * Upserts the rows of these partitions in one statement (one mutation per partition); resolves
   * once all are acknowledged.
   */
  writePartitions(writes: readonly PartitionWrite[]): Promise<void>;
  /** Which nodes hold the partition: partitions with the same answer may share a statement. */
  replicasOf(write: PartitionWrite): string;
  /**
   * The newest rows (at most rowsPerPartition + 1, newest first) of every partition of the read in
   * its window, by partition; partitions without rows may be left out.
   */
  readPartitions(read: PartitionRead): Promise<readonly PartitionRows[]>;
  /** Writes per stored event when every event has a partition of its own (one per stored length). */
  readonly writesPerEvent: number;
  /** Resolves when the store answers; used to resume a paused partition. */
  ping(): Promise<void>;
}

/** Publishes alerts; resolves once the bus has acknowledged them. */
export interface AlertSink {
  publish(alerts: readonly AnomalyAlert[]): Promise<void>;
}

/**
 * Keeps alerts where the query side can read them by place and time; resolves once stored.
 * Storing the same alert again (same event id) overwrites it.
 */
export interface AlertArchive {
  store(alerts: readonly AnomalyAlert[]): Promise<void>;
}

/** A record that could not become an event, with where it came from and why. */
export interface DeadLetter {
  readonly record: InboundRecord;
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

/** Sends dead letters; resolves once the bus has acknowledged them. */
export interface DeadLetterSink {
  send(letters: readonly DeadLetter[]): Promise<void>;
}

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A consumed Kafka record, independent of the client library. */
export interface InboundRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestampMs: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, HeaderValue>>;
}

/** How a batch ended: `failed` names the first record whose work failed after retries. */
export interface BatchResult {
  /** The last offset committed for this batch (undefined when none was). */
  readonly doneThrough: string | undefined;
  /** The partition pauses at this record. */
  readonly failed?: { readonly offset: string; readonly error: unknown };
}

export interface BatchControl {
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the batch went stale (rebalance, seek). */
  isActive(): boolean;
  /**
   * Commits every record up to `throughOffset` (inclusive): call only once their work is durable.
   * `eventTimesMs` are the event times of the valid events just committed (end-to-end latency).
   */
  commit(throughOffset: string, eventTimesMs: readonly number[]): Promise<void>;
}

export type BatchHandler = (
  records: readonly InboundRecord[],
  control: BatchControl,
) => Promise<BatchResult>;

/** What one check's search cost and how it ended, for metrics. */
export interface SearchFigures {
  /** Rows the search considered (its reads' rows, shared with other checks of its batch or not). */
  readonly rows: number;
  readonly partitions: number;
  readonly stopLength: number;
  readonly outcome: SearchOutcome;
  readonly windowCut: boolean;
}

/** What a batch check asked of Cassandra. */
export interface StoreWork {
  readonly readStatements: number;
  readonly writeStatements: number;
  readonly rowsRead: number;
  readonly partitionsRead: number;
  readonly rowsWritten: number;
}

/** The storage operations retried on their own. */
export type RetriedOperation = "write" | "read" | "publish";

/** What the pipeline reports; the Prometheus adapter implements it, tests may count. */
export interface PipelineMetrics {
  consumed(count: number): void;
  /** Events stored at every length. */
  stored(count: number): void;
  checked(verdict: Verdict): void;
  anomaly(): void;
  deadLettered(reason: DeadLetterReason): void;
  retried(operation: RetriedOperation): void;
  paused(): void;
  /** One write statement (one partition's rows). */
  writeSeconds(seconds: number): void;
  /** One read statement (many partitions). */
  readSeconds(seconds: number): void;
  searched(figures: SearchFigures): void;
  /** What one batch check asked of Cassandra: statements, rows and partitions, as sent. */
  storeWork(work: StoreWork): void;
  /** Events checked together, and how long their check took (writes and searches). */
  batchChecked(size: number, seconds: number): void;
  endToEndSeconds(seconds: number): void;
}

/** The figures of a check's search that a trace carries as the search reported them. */
export type TracedSearch = Pick<
  SearchResult,
  | "outcome"
  | "stopLength"
  | "coveredRadiusMeters"
  | "maxDistanceMeters"
  | "windowFromMs"
  | "windowToMs"
  | "rowsRead"
  | "partitionsRead"
>;

/** One check as the detector really ran it: what GET /trace serves for recall measurements. */
export interface CheckTrace extends TracedSearch {
  readonly eventId: string;
  /** The Kafka partition and offset of the checked record. */
  readonly partition: number;
  readonly offset: string;
  readonly lat: number;
  readonly lon: number;
  readonly timeMs: number;
  /** Wall-clock time its batch's first read was sent: what was stored before it could be found. */
  readonly searchStartedAtMs: number;
  /** Nearest first. */
  readonly neighbourIds: readonly string[];
  readonly neighbourDistancesMeters: readonly number[];
  /** The outcome is not `budget`: the neighbours are the exact k nearest within the bound. */
  readonly complete: boolean;
  readonly verdict: Verdict["kind"];
  readonly reason: InsufficientReason | null;
  /** The score of a scored check (null when insufficient): how far below the threshold a miss was. */
  readonly score: number | null;
  /** Reads the search made. */
  readonly steps: number;
}

/** Keeps a sample of checks; `build` runs only for the sampled ones, so tracing costs nothing when off. */
export interface CheckTracer {
  record(build: () => CheckTrace): void;
}
