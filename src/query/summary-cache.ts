/**
 * The cluster summary read through a cache. The summary changes only when a roller writes it, and
 * every answer names the roller round it is exact as of (`summaryAsOf`), so rows read once can
 * serve every request that names the same round: the round's as-of time is reused for a short
 * while (API_SUMMARY_CACHE_MS), and rows are kept per (read, as-of time) until the as-of time moves.
 * An answer from the cache is the answer a fresh read would have given at the same `summaryAsOf`.
 * Before the first complete round (no as-of time) nothing is cached.
 */
import { LRUCache } from "lru-cache";
import type { SummaryRead, SummaryRow } from "../domain/query/summary.js";
import type { ReadBudget, SummaryReader } from "./ports.js";

export interface SummaryCacheOptions {
  /** How long an as-of time read from the store is reused; 0 turns the cache off. */
  readonly asOfReuseMs: number;
  /** Summary rows the cache holds at most, over all its reads. */
  readonly maxRows: number;
  readonly now: () => number;
}

/** A SummaryReader that reuses the as-of time briefly and rows per (read, as-of time). */
export class CachedSummaryReader implements SummaryReader {
  private asOfRead:
    { readonly atMs: number; readonly value: Promise<number | undefined> } | undefined;
  private readonly cache: LRUCache<string, readonly SummaryRow[]>;

  constructor(
    private readonly store: SummaryReader,
    private readonly opts: SummaryCacheOptions,
  ) {
    this.cache = new LRUCache({ maxSize: Math.max(1, opts.maxRows), sizeCalculation: sizeOf });
  }

  asOf(): Promise<number | undefined> {
    if (this.opts.asOfReuseMs <= 0) return this.store.asOf();
    const now = this.opts.now();
    if (this.asOfRead !== undefined && now - this.asOfRead.atMs < this.opts.asOfReuseMs) {
      return this.asOfRead.value;
    }
    const value = this.store.asOf();
    const read = { atMs: now, value };
    this.asOfRead = read;
    // A failed read is not reused: the next request asks the store again.
    value.catch(() => {
      if (this.asOfRead === read) this.asOfRead = undefined;
    });
    return value;
  }

  async rows(read: SummaryRead, budget: ReadBudget): Promise<SummaryRow[]> {
    if (this.opts.asOfReuseMs <= 0) return this.store.rows(read, budget);
    const asOf = await this.asOf();
    if (asOf === undefined) return this.store.rows(read, budget);
    const key = cacheKey(read, asOf);
    const kept = this.cache.get(key);
    if (kept !== undefined) {
      // Cached rows count against the request's budget as a read of them would.
      if (kept.length > budget.rowsLeft()) {
        budget.exhausted(`the summary read holds ${kept.length} rows`);
      }
      budget.spend(kept.length);
      return [...kept];
    }
    const rows = await this.store.rows(read, budget);
    this.cache.set(key, rows);
    return rows;
  }
}

function sizeOf(rows: readonly SummaryRow[]): number {
  return Math.max(1, rows.length);
}

/** The read's identity: length, partitions and slot range, with the round it is exact as of. */
function cacheKey(read: SummaryRead, asOf: number): string {
  return [
    read.length,
    read.fromSlot,
    read.toSlot,
    asOf,
    read.buckets.join(","),
    read.regions.join(","),
  ].join("|");
}
