import { setTimeout as sleep } from "node:timers/promises";
import { GeoAnomalyError } from "../errors.js";
import { decideFailure, type RetryOptions } from "./failure-policy.js";

export type { RetryOptions } from "./failure-policy.js";

/**
 * Runs `fn`, retrying failures the failure policy says to retry; `onRetry` sees each of them.
 * Any other failure is rethrown for the caller to pause or dead-letter. Once `active()` turns
 * false (the consumer stops or rebalances) it gives up with a SHUTDOWN error instead of waiting.
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
      const decision = decideFailure(error, attempt, opts);
      if (decision.action !== "retry") throw error;
      if (!active()) {
        throw new GeoAnomalyError(
          "SHUTDOWN",
          "work abandoned: the consumer is stopping or rebalancing",
          {
            cause: error,
          },
        );
      }
      onRetry(error, attempt, decision.delayMs);
      await sleep(decision.delayMs);
    }
  }
}
