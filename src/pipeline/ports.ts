import type { AnomalyAlert } from "../domain/alert.js";
import type { DeadLetterReason, GeoEvent } from "../domain/event.js";
import type { Candidate, SearchStep } from "../domain/search.js";

/** What the pipeline needs from storage: write an event at every length, read one search step. */
export interface EventStore {
  /** Writes the event to every length's table; resolves once every write is acknowledged. */
  write(event: GeoEvent): Promise<void>;
  /** Rows of one search step (cells x buckets within the step's time window). */
  fetch(step: SearchStep): Promise<readonly Candidate[]>;
  /** CQL statements one fetch of `step` runs (1 when a step is one query). */
  statementsFor(step: SearchStep): number;
  /** CQL writes per stored event. */
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

/** How far a batch got: every record up to `doneThrough` (inclusive) is durable. */
export interface BatchResult {
  readonly doneThrough: string | undefined;
  /** Event times (ms) of the valid events in the done prefix, for end-to-end latency at commit. */
  readonly doneEventTimesMs: readonly number[];
  /** The first record whose work failed after retries; the partition pauses there. */
  readonly failed?: { readonly offset: string; readonly error: unknown };
}

export interface BatchControl {
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the batch went stale (rebalance, seek). */
  isActive(): boolean;
}

export type BatchHandler = (
  records: readonly InboundRecord[],
  control: BatchControl,
) => Promise<BatchResult>;

/** What the pipeline reports; the Prometheus adapter implements it, tests may count. */
export interface PipelineMetrics {
  consumed(count: number): void;
  stored(): void;
  checked(kind: "scored" | "insufficient"): void;
  anomaly(): void;
  deadLettered(reason: DeadLetterReason): void;
  retried(operation: "store" | "publish"): void;
  paused(): void;
  writeSeconds(seconds: number): void;
  readSeconds(seconds: number): void;
  queriesPerCheck(queries: number): void;
  stopLength(length: number): void;
  endToEndSeconds(seconds: number): void;
}
