/**
 * What to do after a failure, decided in one place: retry after a delay, pause the partition
 * until the store answers, or dead-letter the event. Pure: no I/O, `random` injectable.
 */
import { isGeoAnomalyError } from "../errors.js";

export interface RetryOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Retries after the first attempt; 0 means one attempt only. */
  readonly attempts: number;
}

export type RetryDecision =
  { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

/**
 * The retry policy as a pure decision: exponential backoff with full jitter,
 * capped; `random` is injectable so tests are deterministic.
 */
export function retryDecision(
  attempt: number,
  opts: RetryOptions,
  random: () => number = Math.random,
): RetryDecision {
  if (attempt >= opts.attempts) return { retry: false };
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** attempt);
  return { retry: true, delayMs: Math.round(ceiling / 2 + (random() * ceiling) / 2) };
}

export type FailureDecision =
  | { readonly action: "retry"; readonly delayMs: number }
  | { readonly action: "pause" }
  | { readonly action: "dead-letter" };

/**
 * An event the store refuses is dead-lettered (retrying cannot change it). A retriable failure
 * is retried with backoff while attempts last, then the partition pauses. Anything else pauses
 * at once: a missing table or a refused login needs an operator, not faster retries. Errors the
 * adapters did not classify count as retriable, so an unforeseen hiccup is not a pause.
 */
export function decideFailure(
  error: unknown,
  attempt: number,
  opts: RetryOptions,
  random: () => number = Math.random,
): FailureDecision {
  if (isGeoAnomalyError(error, "EVENT_REJECTED")) return { action: "dead-letter" };
  const retriable = isGeoAnomalyError(error) ? error.retriable : true;
  if (!retriable) return { action: "pause" };
  const retry = retryDecision(attempt, opts, random);
  return retry.retry ? { action: "retry", delayMs: retry.delayMs } : { action: "pause" };
}
