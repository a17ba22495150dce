import type { AnomalyAlert } from "../domain/alert.js";
import type { DeadLetterReason, GeoEvent } from "../domain/event.js";
import type { InsufficientReason, Verdict } from "../domain/scoring.js";
import type { CellRead, CellReadResult, SearchOutcome } from "../domain/search.js";

/** A search read as storage ran it: the rows, and how many statements it took. */
export interface StoreReadResult extends CellReadResult {
  readonly statements: number;
}

/**
 * What the pipeline needs from storage: write an event at every stored length, and read the
 * rows of some cells of one length in a time window. How cells and times map to partitions is
 * the store's business.
 */
export interface EventStore {
  /**
   * Writes the event at every stored length; resolves once every write is acknowledged. `hash`
   * is its geohash at the longest stored length or longer (every shorter cell is a prefix).
   */
  write(event: GeoEvent, hash: string): Promise<void>;
  /** Every stored row of the read's cells with fromMs <= time <= toMs (newest rows per partition). */
  read(request: CellRead): Promise<StoreReadResult>;
  /** Writes per stored event. */
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

/** What one search cost and how it ended, for metrics. */
export interface SearchFigures {
  readonly statements: number;
  readonly rows: number;
  readonly partitions: number;
  readonly stopLength: number;
  readonly outcome: SearchOutcome;
  readonly windowCut: boolean;
}

/** The storage operations retried on their own. */
export type RetriedOperation = "write" | "read" | "publish";

/** What the pipeline reports; the Prometheus adapter implements it, tests may count. */
export interface PipelineMetrics {
  consumed(count: number): void;
  stored(): void;
  checked(verdict: Verdict): void;
  anomaly(): void;
  deadLettered(reason: DeadLetterReason): void;
  retried(operation: RetriedOperation): void;
  paused(): void;
  writeSeconds(seconds: number): void;
  readSeconds(seconds: number): void;
  searched(figures: SearchFigures): void;
  endToEndSeconds(seconds: number): void;
}

/** One check as the detector really ran it: what GET /trace serves for recall measurements. */
export interface CheckTrace {
  readonly eventId: string;
  readonly lat: number;
  readonly lon: number;
  readonly timeMs: number;
  /** Wall-clock time the search began: what was stored before it could be found. */
  readonly searchStartedAtMs: number;
  /** Nearest first. */
  readonly neighbourIds: readonly string[];
  readonly neighbourDistancesMeters: readonly number[];
  readonly stopLength: number;
  readonly coveredRadiusMeters: number;
  readonly maxDistanceMeters: number;
  readonly windowFromMs: number;
  readonly windowToMs: number;
  readonly complete: boolean;
  readonly outcome: SearchOutcome;
  readonly verdict: Verdict["kind"];
  readonly reason: InsufficientReason | null;
  readonly rowsRead: number;
  readonly partitionsRead: number;
  readonly steps: number;
}

/** Keeps a sample of checks; `build` runs only for the sampled ones, so tracing costs nothing when off. */
export interface CheckTracer {
  record(build: () => CheckTrace): void;
}
