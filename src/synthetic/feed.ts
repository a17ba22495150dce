/**
 * Paces a message source into a sender: a token bucket holds the average rate, batches keep
 * Kafka round trips few, and waiting is done with short timers, never a busy loop, so a feed can
 * share a process with the detector it drives.
 */

export interface FeedMessage {
  key: string;
  value: Buffer;
}

export interface FeedOptions {
  /** Sends one batch; the feed waits for it (acks) before the next batch. */
  send: (messages: FeedMessage[]) => Promise<void>;
  next: () => FeedMessage;
  /** Messages to send; undefined: until aborted. */
  count?: number;
  /** Messages per second; undefined: as fast as `send` completes. */
  rate?: number;
  /** Largest batch (default 500); with a rate, batches are also capped near rate/10. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (sent: number, elapsedMs: number) => void;
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number;
}

export interface FeedResult {
  sent: number;
  elapsedMs: number;
}

/** Default and ceiling of one batch. */
export const DEFAULT_BATCH_SIZE = 500;

/** Longest single sleep, so an abort is noticed quickly even at very low rates. */
export const MAX_SLEEP_MS = 100;

/** Resolves after `ms`, or at once when `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

function check(name: string, v: number | undefined, whole: boolean): void {
  if (v === undefined) return;
  if (!(Number.isFinite(v) && v > 0) || (whole && !Number.isInteger(v))) {
    throw new RangeError(`${name} must be a positive ${whole ? "whole " : ""}number, got ${v}`);
  }
}

/** Sends `count` messages (or until aborted) at `rate`; resolves with what was sent. */
export async function runFeed(opts: FeedOptions): Promise<FeedResult> {
  check("count", opts.count, true);
  check("rate", opts.rate, false);
  check("batchSize", opts.batchSize, true);
  const now = opts.now ?? (() => performance.now());
  const { rate, count, signal } = opts;
  const maxBatch = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  // A batch is about 100 ms of traffic; the bucket holds two, so timer lateness is not lost.
  const target =
    rate === undefined ? maxBatch : Math.max(1, Math.min(maxBatch, Math.floor(rate / 10)));
  const capacity = 2 * target;
  const start = now();
  let tokens = rate === undefined ? 0 : 1;
  let refilledAt = start;
  let sent = 0;

  while (signal?.aborted !== true && (count === undefined || sent < count)) {
    let n = count === undefined ? maxBatch : Math.min(maxBatch, count - sent);
    if (rate !== undefined) {
      const t = now();
      tokens = Math.min(capacity, tokens + ((t - refilledAt) * rate) / 1000);
      refilledAt = t;
      const want = Math.min(n, target);
      if (tokens < want) {
        await sleep(Math.min(MAX_SLEEP_MS, Math.max(1, ((want - tokens) * 1000) / rate)), signal);
        continue;
      }
      n = Math.min(n, target, Math.floor(tokens));
      tokens -= n;
    }
    const batch: FeedMessage[] = [];
    for (let i = 0; i < n; i += 1) batch.push(opts.next());
    await opts.send(batch);
    sent += n;
    opts.onProgress?.(sent, now() - start);
  }
  return { sent, elapsedMs: now() - start };
}
