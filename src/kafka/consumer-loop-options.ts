/**
 * What the consumer loop is built from and whom it tells of its consumer's crashes: the
 * consumer, the batch handler, the dead-letter sink for undecodable batches, the store probe
 * that resumes a paused partition, and the retry settings.
 */
import type { Consumer } from "kafkajs";
import type { RetryOptions } from "../pipeline/failure-policy.js";
import type { BatchHandler, PipelineMetrics } from "../pipeline/ports.js";
import type { UndecodableSink } from "./dead-letter-sink.js";

/** Minimal logger shape (pino fits). */
export interface LoopLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ConsumerLoopOptions {
  readonly consumer: Consumer;
  readonly topic: string;
  readonly handler: BatchHandler;
  /** Where the dead letter of a batch that could not be decoded goes before it is skipped. */
  readonly deadLetters: UndecodableSink;
  readonly metrics: PipelineMetrics;
  readonly logger: LoopLogger;
  readonly partitionsConcurrently: number;
  /** Resolves when the store answers again; a paused partition resumes after it succeeds. */
  readonly probe: () => Promise<void>;
  readonly retry: RetryOptions;
  readonly now?: () => number;
  /** Delay before a crashed consumer is started again (tests; 2 s by default). */
  readonly restartDelayMs?: number;
}

/** What the loop's owner hears of its consumer's crashes (see {@link ConsumerLoop.watchCrashes}). */
export interface CrashHandlers {
  /** A restart begun after a retriable crash, by reason: for a counter. */
  restarted(reason: string): void;
  /** A crash kafkajs deems not retriable: nothing restarts the consumer, the service must stop. */
  fatal(error: Error): void;
}
