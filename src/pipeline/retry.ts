import { setTimeout as sleep } from "node:timers/promises";

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

/**
 * Runs `fn`, retrying failures as the policy decides; `onRetry` sees each
 * failure that will be retried. Stops early (rethrowing) when `active()` turns false.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  opts: RetryOptions,
  onRetry: (error: unknown, attempt: number, delayMs: number) => void,
  active: () => boolean = () => true,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const decision = retryDecision(attempt, opts);
      if (!decision.retry || !active()) throw error;
      onRetry(error, attempt, decision.delayMs);
      await sleep(decision.delayMs);
    }
  }
}
