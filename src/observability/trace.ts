/**
 * A sampled record of the checks the detector really ran, kept in a bounded ring: what GET /trace
 * serves, so recall is measured on the searches the process did rather than on a re-run.
 */
import type { CheckTrace, CheckTracer } from "../pipeline/ports.js";

/** A traced check with its sequence number (GET /trace?after=seq pages through them). */
export type TraceEntry = CheckTrace & { readonly seq: number };

/** One page of the trace: entries after `after`, the next cursor, and how many were dropped. */
export interface TracePage {
  readonly next: number;
  readonly dropped: number;
  readonly checks: readonly TraceEntry[];
}

/** Keeps a `rate` share of checks (0 keeps none and builds nothing), at most `capacity` of them. */
export class CheckTraceBuffer implements CheckTracer {
  private readonly entries: TraceEntry[] = [];
  private seq = 0;
  private dropped = 0;

  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {}

  record(build: () => CheckTrace): void {
    if (this.rate <= 0 || (this.rate < 1 && this.random() >= this.rate)) return;
    this.seq++;
    this.entries.push({ ...build(), seq: this.seq });
    if (this.entries.length > this.capacity) {
      this.entries.shift();
      this.dropped++;
    }
  }

  /** Entries with seq > `after`, oldest first, at most `limit`. */
  page(after: number, limit = 1000): TracePage {
    const checks = this.entries.filter((e) => e.seq > after).slice(0, limit);
    return { next: checks.at(-1)?.seq ?? Math.max(after, 0), dropped: this.dropped, checks };
  }
}
