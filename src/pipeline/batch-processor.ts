import type { AnomalyAlert } from "../domain/alert.js";
import { parseEvent, type ValidationLimits } from "../domain/event.js";
import type { CheckOutcome, Detector } from "./detector.js";
import type {
  AlertArchive,
  AlertSink,
  BatchControl,
  BatchHandler,
  DeadLetter,
  DeadLetterSink,
  InboundRecord,
  PipelineMetrics,
} from "./ports.js";
import { describeError, isGeoAnomalyError } from "../errors.js";
import { decideFailure } from "./failure-policy.js";
import { withRetry, type RetryOptions } from "./retry.js";

/** Minimal logger shape (pino fits). */
export interface BatchLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BatchProcessorDeps {
  readonly detector: Pick<Detector, "check">;
  readonly alerts: AlertSink;
  /** Where alerts are archived for the query API, before they are published. */
  readonly archive?: AlertArchive;
  readonly deadLetters: DeadLetterSink;
  readonly metrics: PipelineMetrics;
  readonly limits: ValidationLimits;
  readonly concurrency: number;
  readonly retry: RetryOptions;
  readonly logger: BatchLogger;
  /** Least time between two commits of one batch, so a fast batch does not commit per record. */
  readonly commitIntervalMs?: number;
  readonly now?: () => number;
}

type Slot =
  | { readonly kind: "dead"; readonly letter: DeadLetter }
  | { readonly kind: "checked"; readonly outcome: CheckOutcome }
  | { readonly kind: "failed"; readonly error: unknown }
  | { readonly kind: "pending" };

const DEFAULT_COMMIT_INTERVAL_MS = 20;

/** Alerts or dead letters could not be published: the partition pauses, nothing more commits. */
class PublishFailed extends Error {
  constructor(cause: unknown) {
    super("publishing alerts or dead letters failed", { cause });
  }
}

/**
 * Handles one fetched batch of one partition. Malformed records become dead letters; valid events
 * are checked with bounded concurrency. As the prefix of finished records grows, its dead letters
 * and alerts are published and acknowledged, then its offsets committed: one slow event holds
 * back only the records after it, and nothing is committed whose work is not durable. A record
 * whose work fails for good stops the batch there (the caller pauses the partition).
 */
export function createBatchHandler(deps: BatchProcessorDeps): BatchHandler {
  const now = deps.now ?? Date.now;
  const interval = deps.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS;
  return async (records, control) => {
    deps.metrics.consumed(records.length);
    const slots: Slot[] = records.map(() => ({ kind: "pending" }));
    const flusher = new PrefixFlusher(records, slots, deps, control, interval);
    await runBounded(records.length, deps.concurrency, control, async (i) => {
      const slot = await processOne(records[i] as InboundRecord, deps, control, now());
      slots[i] = slot;
      flusher.poke();
      return slot.kind !== "failed";
    });
    const flushError = await flusher.finish();
    const committed = flusher.committedThrough;
    if (flushError instanceof PublishFailed) {
      deps.logger.error(
        { err: flushError.cause },
        "publishing alerts or dead letters failed; the rest of this batch is not committed",
      );
      const at = records[flusher.committedCount];
      return {
        doneThrough: committed,
        ...(at === undefined ? {} : { failed: { offset: at.offset, error: flushError.cause } }),
      };
    }
    // A failed commit (usually a rebalance) goes to the consumer, which rejoins the group.
    if (flushError !== undefined) throw flushError as Error;
    const failedSlot = slots[flusher.committedCount];
    const failedRecord = records[flusher.committedCount];
    return {
      doneThrough: committed,
      ...(failedSlot?.kind === "failed" && failedRecord !== undefined
        ? { failed: { offset: failedRecord.offset, error: failedSlot.error } }
        : {}),
    };
  };
}

/**
 * Publishes and commits the finished prefix of a batch, one flush at a time and at most one per
 * `interval`: whatever finished while a flush was in flight goes with the next one.
 */
class PrefixFlusher {
  committedCount = 0;
  committedThrough: string | undefined;
  private finished = false;
  private running: Promise<void> | undefined;
  private error: unknown;
  private lastFlushMs = Number.NEGATIVE_INFINITY;
  /** Wakes a loop waiting out the interval: the batch is done, nothing more is coming. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly records: readonly InboundRecord[],
    private readonly slots: readonly Slot[],
    private readonly deps: BatchProcessorDeps,
    private readonly control: BatchControl,
    private readonly interval: number,
  ) {}

  /** A record finished: start a flush unless one is running (it will pick this up). */
  poke(): void {
    if (this.running !== undefined || this.error !== undefined) return;
    this.running = this.loop(false).finally(() => (this.running = undefined));
  }

  /** Flushes what is left once every record finished; resolves with a publish error, if any. */
  async finish(): Promise<unknown> {
    this.finished = true;
    this.wake?.();
    while (this.running !== undefined) await this.running;
    if (this.error === undefined) await this.loop(true);
    return this.error;
  }

  private finishedThrough(): number {
    let done = this.committedCount;
    const s = this.slots;
    while (done < s.length && (s[done]?.kind === "dead" || s[done]?.kind === "checked")) done++;
    return done;
  }

  private async loop(final: boolean): Promise<void> {
    for (;;) {
      const wait = this.lastFlushMs + this.interval - performance.now();
      if (!final && !this.finished && wait > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
      const through = this.finishedThrough();
      if (through === this.committedCount || this.error !== undefined) return;
      this.lastFlushMs = performance.now();
      try {
        await this.flush(this.committedCount, through);
      } catch (error) {
        this.error = error;
        return;
      }
    }
  }

  private async flush(from: number, to: number): Promise<void> {
    const { deps, control } = this;
    const prefix = this.slots.slice(from, to);
    const letters = prefix.flatMap((s) => (s.kind === "dead" ? [s.letter] : []));
    const alerts = prefix.flatMap((s): AnomalyAlert[] =>
      s.kind === "checked" && s.outcome.alert !== undefined ? [s.outcome.alert] : [],
    );
    if (letters.length > 0 || alerts.length > 0) {
      await this.publish(letters, alerts);
      for (const letter of letters) deps.metrics.deadLettered(letter.reason);
    }
    const last = this.records[to - 1];
    if (last === undefined) return;
    await control.commit(
      last.offset,
      prefix.flatMap((s) => (s.kind === "checked" ? [s.outcome.event.timeMs] : [])),
    );
    this.committedCount = to;
    this.committedThrough = last.offset;
  }

  private async publish(
    letters: readonly DeadLetter[],
    alerts: readonly AnomalyAlert[],
  ): Promise<void> {
    const { deps, control } = this;
    try {
      await withRetry(
        () =>
          Promise.all([
            letters.length > 0 ? deps.deadLetters.send(letters) : undefined,
            alerts.length > 0
              ? (deps.archive?.store(alerts) ?? Promise.resolve()).then(() =>
                  deps.alerts.publish(alerts),
                )
              : undefined,
          ]),
        deps.retry,
        (error, attempt) => {
          deps.metrics.retried("publish");
          deps.logger.warn(
            { err: error, attempt },
            "publishing alerts or dead letters failed; retrying",
          );
        },
        () => control.isActive(),
      );
    } catch (error) {
      throw new PublishFailed(error);
    }
  }
}

async function processOne(
  record: InboundRecord,
  deps: BatchProcessorDeps,
  control: BatchControl,
  nowMs: number,
): Promise<Slot> {
  const parsed = parseEvent(
    record.value,
    {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      timestampMs: record.timestampMs,
    },
    deps.limits,
    nowMs,
  );
  if (!parsed.ok)
    return { kind: "dead", letter: { record, reason: parsed.reason, detail: parsed.detail } };
  try {
    // The detector retries its store writes and reads itself, each on its own.
    return {
      kind: "checked",
      outcome: await deps.detector.check(parsed.event, () => control.isActive()),
    };
  } catch (error) {
    if (decideFailure(error, Number.POSITIVE_INFINITY, deps.retry).action === "dead-letter") {
      return {
        kind: "dead",
        letter: { record, reason: "store_rejected", detail: describeError(error) },
      };
    }
    if (!isGeoAnomalyError(error, "SHUTDOWN")) {
      deps.logger.debug(
        { err: error, offset: record.offset, partition: record.partition },
        "check failed after retries",
      );
    }
    return { kind: "failed", error };
  }
}

/**
 * Runs `task(i)` for i in [0, count) in order of i, at most `limit` at once,
 * heartbeating as tasks finish; stops starting new tasks once the control goes
 * inactive or a task fails for good (later records would not be committed anyway).
 */
async function runBounded(
  count: number,
  limit: number,
  control: BatchControl,
  task: (i: number) => Promise<boolean>,
): Promise<void> {
  let next = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop && next < count && control.isActive()) {
      const i = next++;
      if (!(await task(i))) stop = true;
      await control.heartbeat();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, () => worker()));
  stop = true;
}
