import { setTimeout as sleep } from "node:timers/promises";
import type { Consumer, EachBatchPayload, KafkaMessage } from "kafkajs";
import { isGeoAnomalyError } from "../errors.js";
import type { BatchHandler, InboundRecord, PipelineMetrics } from "../pipeline/ports.js";
import { retryDecision, type RetryOptions } from "../pipeline/failure-policy.js";

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
  readonly metrics: PipelineMetrics;
  readonly logger: LoopLogger;
  readonly partitionsConcurrently: number;
  /** Resolves when the store answers again; a paused partition resumes after it succeeds. */
  readonly probe: () => Promise<void>;
  readonly retry: RetryOptions;
  readonly now?: () => number;
}

/** Tries to subscribe before giving up at start (about 20 s in all). */
const SUBSCRIBE_ATTEMPTS = 8;

function toRecord(topic: string, partition: number, m: KafkaMessage): InboundRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    timestampMs: Number(m.timestamp),
    key: m.key,
    value: m.value,
    headers: m.headers ?? {},
  };
}

/**
 * The at-least-once consumer loop: manual commits only, of the offset after
 * the last record whose work is durable; a partition whose work keeps failing
 * is paused (never skipped) and resumed once the store answers a probe.
 */
export class ConsumerLoop {
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(private readonly opts: ConsumerLoopOptions) {}

  async start(): Promise<void> {
    const { consumer, topic } = this.opts;
    // A topic created a moment ago may not be in every broker's metadata yet: a retriable error.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        break;
      } catch (err) {
        const retriable = (err as { retriable?: unknown }).retriable === true;
        if (!retriable || attempt >= SUBSCRIBE_ATTEMPTS) throw err;
        this.opts.logger.info({ topic, attempt }, "topic not known to every broker yet: retrying");
        await sleep(500 * attempt);
      }
    }
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConcurrently,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Stops fetching, lets the in-flight batches finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.resumeTimers) clearTimeout(t);
    this.resumeTimers.clear();
    await this.opts.consumer.stop();
    await this.opts.consumer.disconnect();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    if (batch.messages.length === 0) return;
    let heartbeatError: unknown;
    const records = batch.messages.map((m) => toRecord(topic, partition, m));
    let resolved = 0;
    const result = await this.opts.handler(records, {
      heartbeat: async () => {
        try {
          await payload.heartbeat();
        } catch (error) {
          heartbeatError ??= error;
        }
      },
      isActive: () => heartbeatError === undefined && payload.isRunning() && !payload.isStale(),
      commit: async (throughOffset, eventTimesMs) => {
        while (resolved < records.length) {
          const r = records[resolved++];
          if (r === undefined) break;
          payload.resolveOffset(r.offset);
          if (r.offset === throughOffset) break;
        }
        const next = (BigInt(throughOffset) + 1n).toString();
        await payload.commitOffsetsIfNecessary({
          topics: [{ topic, partitions: [{ partition, offset: next }] }],
        });
        const now = (this.opts.now ?? Date.now)();
        for (const t of eventTimesMs)
          this.opts.metrics.endToEndSeconds(Math.max(0, now - t) / 1000);
      },
    });

    // Work abandoned because the batch went stale (rebalance, stop) is not a failure to pause on:
    // nothing past it was committed, and whoever owns the partition next starts there.
    const abandoned =
      result.failed !== undefined && isGeoAnomalyError(result.failed.error, "SHUTDOWN");
    if (result.failed !== undefined && !abandoned && !this.stopping) {
      this.opts.metrics.paused();
      this.opts.logger.error(
        { err: result.failed.error, topic, partition, offset: result.failed.offset },
        "work on this partition keeps failing: pausing it until the store answers again (nothing is skipped)",
      );
      this.scheduleResume(payload.pause(), topic, partition, 0);
    }
    // A failed heartbeat (usually a rebalance) must reach kafkajs so it rejoins the group.
    if (heartbeatError !== undefined) throw heartbeatError as Error;
  }

  private scheduleResume(
    resume: () => void,
    topic: string,
    partition: number,
    attempt: number,
  ): void {
    // A probe that fails while the loop stops (the store is closed by then) schedules nothing:
    // a timer left behind would hold the process open after a clean stop.
    if (this.stopping) return;
    const decision = retryDecision(Math.min(attempt, 30), {
      ...this.opts.retry,
      attempts: Number.MAX_SAFE_INTEGER,
    });
    const delay = decision.retry ? decision.delayMs : this.opts.retry.maxMs;
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      if (this.stopping) return;
      this.opts.probe().then(
        () => {
          this.opts.logger.info({ topic, partition }, "store answers again: resuming partition");
          resume();
        },
        () => this.scheduleResume(resume, topic, partition, attempt + 1),
      );
    }, delay);
    timer.unref();
    this.resumeTimers.add(timer);
  }
}
