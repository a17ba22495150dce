/**
 * How many queries one process serves at once. A query past the limit is refused at once with a
 * 503 and Retry-After rather than queued: a queue would only turn overload into timeouts, and a
 * stateless API is scaled by running more of it.
 */

/** A counting gate: enter before the work, leave when it settles (even after a timeout reply). */
export class AdmissionGate {
  private inFlight = 0;

  constructor(private readonly max: number) {}

  /** Queries running now. */
  get running(): number {
    return this.inFlight;
  }

  /** Runs `work` when a slot is free; undefined (nothing run) when every slot is taken. */
  run<T>(work: () => Promise<T>): Promise<T> | undefined {
    if (this.inFlight >= this.max) return undefined;
    this.inFlight++;
    return Promise.resolve()
      .then(work)
      .finally(() => {
        this.inFlight--;
      });
  }
}
