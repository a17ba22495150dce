/**
 * An open-loop producer: events are due on a fixed schedule (rate × elapsed time) and handed to
 * Kafka in batches without waiting for the previous batch's acknowledgement, up to a cap of
 * batches in flight. A slow broker or a loaded machine then shows as acknowledgements arriving
 * late, not as a lower rate, which is what "paced" must mean for a sustained-rate figure. The
 * rate only falls short when the cap is reached; the result says so.
 */

export interface PacedMessage {
  readonly key: string;
  readonly value: Buffer;
}

export interface PacedFeedOptions {
  /** Events per second. */
  readonly rate: number;
  readonly durationMs: number;
  readonly next: () => PacedMessage;
  /** Sends one batch; resolves once Kafka acknowledged it. */
  readonly send: (batch: PacedMessage[]) => Promise<void>;
  /** Most batches unacknowledged at once (default 8). */
  readonly maxInFlight?: number;
  /** Largest batch (default 500). */
  readonly maxBatch?: number;
  /** Pause between schedule checks, ms (default 10). */
  readonly tickMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onProgress?: (acknowledged: number, elapsedMs: number) => void;
}

export interface PacedFeedResult {
  /** Events handed to the producer within the phase. */
  readonly scheduled: number;
  /** Events Kafka acknowledged. */
  readonly acknowledged: number;
  /** From the start to the last acknowledgement (at least the phase's length). */
  readonly elapsedMs: number;
  /** Most events that were due but not yet handed over (the in-flight cap held them back). */
  readonly maxBehind: number;
}

/** Runs the schedule for `durationMs` (see the module comment); rejects with the first send error. */
export async function pacedFeed(o: PacedFeedOptions): Promise<PacedFeedResult> {
  if (!(o.rate > 0) || !(o.durationMs > 0)) {
    throw new RangeError(`rate and durationMs must be > 0, got ${o.rate} and ${o.durationMs}`);
  }
  const now = o.now ?? (() => performance.now());
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxInFlight = o.maxInFlight ?? 8;
  const maxBatch = o.maxBatch ?? 500;
  const tick = o.tickMs ?? 10;
  const start = now();
  let scheduled = 0;
  let acknowledged = 0;
  let inFlight = 0;
  let maxBehind = 0;
  let lastAckMs = start;
  let failure: unknown;
  for (;;) {
    const raw = now() - start;
    const elapsed = Math.min(raw, o.durationMs);
    const due = Math.floor((o.rate * elapsed) / 1000) - scheduled;
    if (failure !== undefined) break;
    // The phase ends on time: what the cap held back is not sent late (it shows in maxBehind).
    if (raw >= o.durationMs && (due <= 0 || inFlight >= maxInFlight)) {
      maxBehind = Math.max(maxBehind, due);
      break;
    }
    if (due > 0 && inFlight < maxInFlight) {
      const n = Math.min(due, maxBatch);
      const batch = Array.from({ length: n }, () => o.next());
      scheduled += n;
      inFlight++;
      o.send(batch).then(
        () => {
          inFlight--;
          acknowledged += n;
          lastAckMs = now();
          o.onProgress?.(acknowledged, lastAckMs - start);
        },
        (err: unknown) => {
          inFlight--;
          failure ??= err;
        },
      );
      continue;
    }
    maxBehind = Math.max(maxBehind, due);
    await sleep(tick);
  }
  while (inFlight > 0) await sleep(tick);
  if (failure !== undefined) {
    throw failure instanceof Error ? failure : new Error("send failed", { cause: failure });
  }
  return {
    scheduled,
    acknowledged,
    elapsedMs: Math.max(o.durationMs, lastAckMs - start),
    maxBehind,
  };
}
