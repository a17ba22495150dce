import { setTimeout as sleep } from "node:timers/promises";
import type { EachBatchPayload, KafkaMessage } from "kafkajs";
import { describeError, isGeoAnomalyError } from "../errors.js";
import type { InboundRecord } from "../pipeline/ports.js";
import { retryDecision } from "../pipeline/failure-policy.js";
import { withRetry } from "../pipeline/retry.js";
import { rejoinOnCoordinatorLoss } from "./coordinator-loss.js";
import { segmentMessages } from "./batch-recovery.js";
import { ConsumerRestarts, crashReason, isRetriableCrash } from "./consumer-restarts.js";
import type { UndecodableRange } from "./dead-letter-message.js";
import { undecodableBatchOf } from "./placeholder-records.js";

import type { ConsumerLoopOptions, CrashHandlers } from "./consumer-loop-options.js";

export type { ConsumerLoopOptions, CrashHandlers, LoopLogger } from "./consumer-loop-options.js";

/** Tries to subscribe before giving up at start (about 20 s in all). */
const SUBSCRIBE_ATTEMPTS = 8;

/**
 * How often the group hears from a member while it works on a batch. kafkajs sends a heartbeat
 * only once its heartbeat interval has passed (calls in between cost nothing), so this only has
 * to be shorter than that interval. Without it a slice that takes longer than the session timeout
 * (a cold start, a slow store) gets the member evicted, its commits refused ("the coordinator is
 * not aware of this member") and its work redone by the next owner.
 */
export const HEARTBEAT_WHILE_WORKING_MS = 1_000;

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

/** What a batch's segments share: a heartbeat failure, kept until the batch returns. */
interface BatchState {
  heartbeatError: unknown;
}

/**
 * The at-least-once consumer loop: manual commits only, of the offset after
 * the last record whose work is durable; a partition whose work keeps failing
 * is paused (never skipped) and resumed once the store answers a probe. A batch
 * that could not be decoded is dead-lettered as one offset range, then skipped.
 */
export class ConsumerLoop {
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private restarts: ConsumerRestarts | undefined;

  constructor(private readonly opts: ConsumerLoopOptions) {}

  /**
   * Takes over the consumer's crashes (its kafkajs retry settings must come from
   * `productOwnedRestarts`, so kafkajs never restarts it): a retriable crash restarts the consumer
   * after a short delay, unless the loop stops; any other goes to `handlers.fatal`.
   */
  watchCrashes(handlers: CrashHandlers): void {
    const { consumer, logger } = this.opts;
    const restarts = new ConsumerRestarts({
      // The subscriptions live on in the kafkajs consumer: connect and run again is enough.
      start: async () => {
        await consumer.connect();
        await this.run();
      },
      restarted: (reason) => handlers.restarted(reason),
      logger,
      ...(this.opts.restartDelayMs === undefined ? {} : { delayMs: this.opts.restartDelayMs }),
    });
    this.restarts = restarts;
    consumer.on(consumer.events.CRASH, (e) => {
      const { error } = e.payload;
      if (isRetriableCrash(error)) restarts.schedule(crashReason(error), error);
      else handlers.fatal(error);
    });
  }

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
    await this.run();
  }

  private run(): Promise<void> {
    return this.opts.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConcurrently,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /**
   * Stops fetching, lets the in-flight batches finish and commit, then leaves the group. A pending
   * restart is cancelled and a running one waited for first, so nothing starts the consumer after.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.resumeTimers) clearTimeout(t);
    this.resumeTimers.clear();
    await this.restarts?.stop();
    await this.opts.consumer.stop();
    await this.opts.consumer.disconnect();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    if (payload.batch.messages.length === 0) return;
    const state: BatchState = { heartbeatError: undefined };
    for (const segment of segmentMessages(payload.batch.messages, undecodableBatchOf)) {
      if (!this.isActive(payload, state)) break;
      const { topic, partition } = payload.batch;
      const goOn =
        segment.kind === "records"
          ? await this.runRecords(payload, segment.messages, state)
          : await this.skipUndecodable(payload, { topic, partition, ...segment }, state);
      if (!goOn) break;
    }
    // A failed heartbeat (usually a rebalance) must reach kafkajs so it rejoins the group.
    if (state.heartbeatError !== undefined) throw state.heartbeatError as Error;
  }

  private isActive(payload: EachBatchPayload, state: BatchState): boolean {
    return state.heartbeatError === undefined && payload.isRunning() && !payload.isStale();
  }

  /** Runs the handler on a run of records; false when the partition paused or the work stopped. */
  private async runRecords(
    payload: EachBatchPayload,
    messages: readonly KafkaMessage[],
    state: BatchState,
  ): Promise<boolean> {
    const { topic, partition } = payload.batch;
    const records = messages.map((m) => toRecord(topic, partition, m));
    let resolved = 0;
    const heartbeat = async (): Promise<void> => {
      try {
        await payload.heartbeat();
      } catch (error) {
        state.heartbeatError ??= rejoinOnCoordinatorLoss(error);
      }
    };
    const beating = setInterval(() => void heartbeat(), HEARTBEAT_WHILE_WORKING_MS);
    const result = await this.opts
      .handler(records, {
        heartbeat,
        isActive: () => this.isActive(payload, state),
        commit: async (throughOffset, eventTimesMs) => {
          while (resolved < records.length) {
            const r = records[resolved++];
            if (r === undefined) break;
            payload.resolveOffset(r.offset);
            if (r.offset === throughOffset) break;
          }
          await this.commitThrough(payload, throughOffset, state);
          const now = (this.opts.now ?? Date.now)();
          for (const t of eventTimesMs)
            this.opts.metrics.endToEndSeconds(Math.max(0, now - t) / 1000);
        },
      })
      .finally(() => clearInterval(beating));
    if (result.failed === undefined) return true;
    // Work abandoned because the batch went stale (rebalance, stop) is not a failure to pause on:
    // nothing past it was committed, and whoever owns the partition next starts there.
    // Nor is a lost coordinator: the batch ends and kafkajs rejoins through the new one.
    const shouldPause =
      !isGeoAnomalyError(result.failed.error, "SHUTDOWN") &&
      !this.stopping &&
      state.heartbeatError === undefined;
    if (shouldPause) this.pause(payload, result.failed.offset, result.failed.error);
    return false;
  }

  /**
   * Dead-letters the offset range of a batch that could not be decoded and commits past it, only
   * once the dead letter is acknowledged; if it cannot be sent, the partition pauses there.
   */
  private async skipUndecodable(
    payload: EachBatchPayload,
    range: UndecodableRange,
    state: BatchState,
  ): Promise<boolean> {
    const { topic, partition, firstOffset, lastOffset, batch } = range;
    const where = { topic, partition, firstOffset, lastOffset, codec: batch.codec };
    this.opts.logger.warn(
      { ...where, detail: batch.detail, records: batch.records, bytes: batch.compressedBytes },
      "a fetched batch could not be decoded: dead-lettering its offset range and moving past it",
    );
    try {
      await withRetry(
        () => this.opts.deadLetters.sendUndecodable(range),
        this.opts.retry,
        (error, attempt) => {
          this.opts.metrics.retried("publish");
          this.opts.logger.warn({ ...where, err: error, attempt }, "dead letter failed; retrying");
        },
        () => this.isActive(payload, state),
      );
    } catch (error) {
      if (!isGeoAnomalyError(error, "SHUTDOWN") && !this.stopping)
        this.pause(payload, firstOffset, error);
      return false;
    }
    this.opts.metrics.deadLettered("undecodable_batch");
    payload.resolveOffset(lastOffset);
    await this.commitThrough(payload, lastOffset, state);
    return true;
  }

  /** Commits past `offset`; a coordinator it cannot reach ends the batch with a rejoin. */
  private async commitThrough(
    payload: EachBatchPayload,
    offset: string,
    state: BatchState,
  ): Promise<void> {
    const { topic, partition } = payload.batch;
    const next = (BigInt(offset) + 1n).toString();
    try {
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: next }] }],
      });
    } catch (error) {
      const rejoin = rejoinOnCoordinatorLoss(error);
      if (rejoin !== error) {
        state.heartbeatError ??= rejoin;
        this.opts.logger.warn(
          { err: error, topic, partition },
          "the group's coordinator cannot be reached: ending the batch and rejoining through the cluster's current coordinator",
        );
      }
      throw rejoin;
    }
  }

  private pause(payload: EachBatchPayload, offset: string, error: unknown): void {
    const { topic, partition } = payload.batch;
    this.opts.metrics.paused();
    this.opts.logger.error(
      { err: error, detail: describeError(error), topic, partition, offset },
      "work on this partition keeps failing: pausing it until the store answers again (nothing is skipped)",
    );
    this.scheduleResume(payload.pause(), topic, partition, 0);
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
