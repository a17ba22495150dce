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
  readonly now?: () => number;
}

type Slot =
  | { readonly kind: "dead"; readonly letter: DeadLetter }
  | { readonly kind: "checked"; readonly outcome: CheckOutcome }
  | { readonly kind: "failed"; readonly error: unknown }
  | { readonly kind: "pending" };

/**
 * Handles one fetched batch of one partition: malformed records become dead
 * letters, valid events are checked with bounded concurrency (each retried
 * with backoff), then the dead letters and alerts of the longest fully
 * successful prefix are published and acknowledged. Only that prefix is
 * reported done, so the caller commits nothing whose work is not durable.
 */
export function createBatchHandler(deps: BatchProcessorDeps): BatchHandler {
  const now = deps.now ?? Date.now;
  return async (records, control) => {
    deps.metrics.consumed(records.length);
    const slots: Slot[] = records.map(() => ({ kind: "pending" }));
    await runBounded(records.length, deps.concurrency, control, async (i) => {
      const slot = await processOne(records[i] as InboundRecord, deps, control, now());
      slots[i] = slot;
      return slot.kind !== "failed";
    });

    let done = 0;
    while (done < slots.length && (slots[done]?.kind === "dead" || slots[done]?.kind === "checked"))
      done++;
    const prefix = slots.slice(0, done);
    const letters = prefix.flatMap((s) => (s.kind === "dead" ? [s.letter] : []));
    const alerts = prefix.flatMap((s): AnomalyAlert[] =>
      s.kind === "checked" && s.outcome.alert !== undefined ? [s.outcome.alert] : [],
    );

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
      deps.logger.error(
        { err: error },
        "publishing alerts or dead letters failed; nothing of this batch is committed",
      );
      const first = records[0];
      return {
        doneThrough: undefined,
        doneEventTimesMs: [],
        ...(first === undefined ? {} : { failed: { offset: first.offset, error } }),
      };
    }
    for (const letter of letters) deps.metrics.deadLettered(letter.reason);

    const failedSlot = slots[done];
    const failedRecord = records[done];
    return {
      doneThrough: done > 0 ? records[done - 1]?.offset : undefined,
      doneEventTimesMs: prefix.flatMap((s) =>
        s.kind === "checked" ? [s.outcome.event.timeMs] : [],
      ),
      ...(failedSlot?.kind === "failed" && failedRecord !== undefined
        ? { failed: { offset: failedRecord.offset, error: failedSlot.error } }
        : {}),
    };
  };
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
    const outcome = await withRetry(
      () => deps.detector.check(parsed.event),
      deps.retry,
      (error, attempt) => {
        deps.metrics.retried("store");
        // Per event, so debug only: the pause (or the retries metric) is what operators see.
        deps.logger.debug(
          { err: error, attempt, offset: record.offset, partition: record.partition },
          "check failed; retrying",
        );
      },
      () => control.isActive(),
    );
    return { kind: "checked", outcome };
  } catch (error) {
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
