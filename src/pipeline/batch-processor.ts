import type { AnomalyAlert } from "../domain/detect/alert.js";
import { parseEvent, type GeoEvent, type ValidationLimits } from "../domain/detect/event.js";
import { touchedPairs } from "../domain/query/summary.js";
import { describeError, isGeoAnomalyError } from "../errors.js";
import type { CheckItem, CheckOutcome, Detector } from "./detector.js";
import type {
  AlertArchive,
  AlertSink,
  BatchControl,
  BatchHandler,
  BatchResult,
  DeadLetter,
  DeadLetterSink,
  InboundRecord,
  PipelineMetrics,
} from "./ports.js";
import { withRetry, type RetryOptions } from "./retry.js";
import type { TouchLog } from "./summary-ports.js";

/** Minimal logger shape (pino fits). */
export interface BatchLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BatchProcessorDeps {
  readonly detector: Pick<Detector, "checkBatch">;
  readonly alerts: AlertSink;
  /** Where alerts are archived for the query API, before they are published. */
  readonly archive?: AlertArchive;
  readonly deadLetters: DeadLetterSink;
  /**
   * The cluster summary's touch log: the (cell of `sourceLength`, slot) pairs of a slice's stored
   * events are marked after its rows and alerts are stored and before its offsets commit.
   */
  readonly summary?: { readonly log: TouchLog; readonly sourceLength: number };
  readonly metrics: PipelineMetrics;
  readonly limits: ValidationLimits;
  /** Most records checked together; a larger fetched batch is checked in slices of this size. */
  readonly checkBatchSize: number;
  readonly retry: RetryOptions;
  readonly logger: BatchLogger;
  readonly now?: () => number;
}

/** Why a slice stopped: its check, its publishing or its summary touches failed for good. */
type SliceFailure = {
  readonly stage: "check" | "publish" | "mark";
  readonly error: unknown;
};

/**
 * Handles one fetched batch of one partition, in slices of at most `checkBatchSize` records, in
 * offset order. For a slice: malformed records become dead letters, the valid events are checked
 * together (stored, searched, judged), then its dead letters and alerts are published and
 * acknowledged, then its offsets committed. Nothing is committed whose work is not durable; a slice
 * whose work fails for good stops the batch at its first record (the caller pauses the partition).
 */
export function createBatchHandler(deps: BatchProcessorDeps): BatchHandler {
  const now = deps.now ?? Date.now;
  const size = Math.max(1, deps.checkBatchSize);
  return async (records, control): Promise<BatchResult> => {
    deps.metrics.consumed(records.length);
    let doneThrough: string | undefined;
    for (let start = 0; start < records.length && control.isActive(); start += size) {
      const slice = records.slice(start, start + size);
      const failure = await handleSlice(slice, deps, control, now());
      const first = slice[0];
      if (failure !== undefined && first !== undefined) {
        if (failure.stage === "publish") {
          deps.logger.error(
            { err: failure.error },
            "publishing alerts or dead letters failed; the rest of this batch is not committed",
          );
        } else if (!isGeoAnomalyError(failure.error, "SHUTDOWN")) {
          deps.logger.debug(
            { err: failure.error, offset: first.offset, partition: first.partition },
            "check failed after retries",
          );
        }
        return { doneThrough, failed: { offset: first.offset, error: failure.error } };
      }
      doneThrough = slice.at(-1)?.offset ?? doneThrough;
      await control.heartbeat();
    }
    return { doneThrough };
  };
}

/** Checks, publishes and commits one slice; a failure commits nothing of it. */
async function handleSlice(
  records: readonly InboundRecord[],
  deps: BatchProcessorDeps,
  control: BatchControl,
  nowMs: number,
): Promise<SliceFailure | undefined> {
  const letters: DeadLetter[] = [];
  const items: CheckItem[] = [];
  for (const record of records) {
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
    if (parsed.ok)
      items.push({ event: parsed.event, partition: record.partition, offset: record.offset });
    else letters.push({ record, reason: parsed.reason, detail: parsed.detail });
  }

  let outcomes: CheckOutcome[];
  try {
    outcomes = await deps.detector.checkBatch(items, () => control.isActive());
  } catch (error) {
    return { stage: "check", error };
  }

  const alerts: AnomalyAlert[] = [];
  const stored: GeoEvent[] = [];
  const eventTimesMs: number[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.kind === "checked") {
      stored.push(outcome.event);
      eventTimesMs.push(outcome.event.timeMs);
      if (outcome.alert !== undefined) alerts.push(outcome.alert);
      return;
    }
    const record = records.find((r) => r.offset === items[i]?.offset);
    if (record !== undefined) {
      letters.push({ record, reason: "store_rejected", detail: describeError(outcome.error) });
    }
  });

  if (letters.length > 0 || alerts.length > 0) {
    try {
      await publish(letters, alerts, deps, control);
    } catch (error) {
      return { stage: "publish", error };
    }
    for (const letter of letters) deps.metrics.deadLettered(letter.reason);
  }
  if (deps.summary !== undefined && stored.length > 0) {
    const { log, sourceLength } = deps.summary;
    const pairs = touchedPairs(stored, sourceLength);
    try {
      await withRetry(
        () => log.mark(pairs),
        deps.retry,
        () => deps.metrics.retried("write"),
        () => control.isActive(),
      );
    } catch (error) {
      return { stage: "mark", error };
    }
  }
  const last = records.at(-1);
  // A failed commit (usually a rebalance) goes to the consumer, which rejoins the group.
  if (last !== undefined) await control.commit(last.offset, eventTimesMs);
  return undefined;
}

/** Dead letters, and alerts archived then published, retried together until acknowledged. */
async function publish(
  letters: readonly DeadLetter[],
  alerts: readonly AnomalyAlert[],
  deps: BatchProcessorDeps,
  control: BatchControl,
): Promise<void> {
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
}
