/**
 * A closed-loop load driver: `concurrency` workers each run one operation after another, a
 * warm-up first (not counted), then a timed phase whose completions give the rate. Used to
 * measure raw capacity (statements per second at a fixed number in flight) without any other
 * part of the product in the way.
 */

export interface ClosedLoopOptions {
  /** Operations in flight at once. */
  readonly concurrency: number;
  /** Run but not counted: connections, JIT, caches and memtables settle first. */
  readonly warmupMs: number;
  /** The timed phase; the rate is its completions over its length. */
  readonly measureMs: number;
  /** Pause of a worker after a failed operation, so a refusing server is not spun on. */
  readonly errorPauseMs?: number;
  /** Clock in ms (tests inject one). */
  readonly now?: () => number;
}

export interface ClosedLoopResult {
  /** Operations completed in the timed phase. */
  readonly operations: number;
  /** Units the completed operations reported (e.g. rows returned), summed. */
  readonly units: number;
  /** Failed operations in the timed phase (not counted in `operations`). */
  readonly errors: number;
  readonly warmupErrors: number;
  readonly firstError: string | null;
  /** Length of the timed phase in seconds. */
  readonly seconds: number;
  readonly operationsPerSecond: number;
  readonly unitsPerSecond: number;
  /** Completions per whole second of the timed phase: how steady the rate was. */
  readonly perSecond: readonly number[];
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `operation` in a closed loop (see the module comment). `operation(worker)` resolves with
 * the units it handled (1 for an insert, the rows returned for a read); a rejection is an error.
 */
export async function runClosedLoop(
  operation: (worker: number) => Promise<number>,
  options: ClosedLoopOptions,
): Promise<ClosedLoopResult> {
  const { concurrency, warmupMs, measureMs } = options;
  if (!(Number.isInteger(concurrency) && concurrency > 0)) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  if (!(warmupMs >= 0 && measureMs > 0)) {
    throw new RangeError(`need warmupMs >= 0 and measureMs > 0, got ${warmupMs} and ${measureMs}`);
  }
  const now = options.now ?? (() => performance.now());
  const errorPauseMs = options.errorPauseMs ?? 10;
  const start = now() + warmupMs;
  const end = start + measureMs;
  const bins = new Array<number>(Math.floor(measureMs / 1000)).fill(0);
  let operations = 0;
  let units = 0;
  let errors = 0;
  let warmupErrors = 0;
  let firstError: string | null = null;

  const worker = async (index: number): Promise<void> => {
    while (now() < end) {
      try {
        const handled = await operation(index);
        const t = now();
        if (t >= start && t < end) {
          operations++;
          units += handled;
          const bin = Math.floor((t - start) / 1000);
          if (bin < bins.length) bins[bin] = (bins[bin] ?? 0) + 1;
        }
      } catch (err) {
        const t = now();
        if (t >= start && t < end) errors++;
        else if (t < start) warmupErrors++;
        firstError ??= err instanceof Error ? err.message : String(err);
        await pause(errorPauseMs);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  const seconds = measureMs / 1000;
  return {
    operations,
    units,
    errors,
    warmupErrors,
    firstError,
    seconds,
    operationsPerSecond: operations / seconds,
    unitsPerSecond: units / seconds,
    perSecond: bins,
  };
}

/** Runs `task` over `items` with at most `concurrency` at once; rejects with the first failure. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, () => worker()));
}
