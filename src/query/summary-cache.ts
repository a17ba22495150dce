/**
 * The cluster summary read through a cache. The summary changes only when a roller writes it, and
 * every answer names the round it is exact as of (`summaryAsOf`), so rows read once serve every
 * request until a newer round completes. The round's as-of time is itself reused for a short while
 * (API_SUMMARY_CACHE_MS). When a newer round is seen, the rows kept for the older one still answer
 * (naming the older round) while one background read fetches the newer rows: requests do not queue
 * behind a read each time a round completes. Older rows are served only while their refresh is in
 * flight and only if their round is at most MAX_STALE_MS older than the newest (rows kept from long
 * ago are read again before answering); a refresh that fails drops them, so the next request reads
 * the store itself.
 * Before the first complete round (no as-of time) nothing is kept.
 */
import { LRUCache } from "lru-cache";
import type { SummaryRead } from "../domain/query/summary.js";
import type { ReadBudget, SummaryReader, SummaryRows } from "./ports.js";

export interface SummaryCacheOptions {
  /** How long an as-of time read from the store is reused; 0 turns the cache off. */
  readonly asOfReuseMs: number;
  /** Summary rows the cache holds at most, over all its reads. */
  readonly maxRows: number;
  /** The budget of a background read (no request owns it): the API's row and time limits. */
  readonly backgroundBudget: () => ReadBudget;
  readonly now: () => number;
}

/** How much older than the newest round kept rows may be and still answer while refreshed. */
export const MAX_STALE_MS = 60_000;

/** Rows kept for one read, with the round they are exact as of. */
interface Kept {
  readonly rows: SummaryRows["rows"];
  readonly asOf: number;
}

/** A SummaryReader that keeps rows per read and refreshes them when a newer round completes. */
export class CachedSummaryReader implements SummaryReader {
  private asOfRead:
    { readonly atMs: number; readonly value: Promise<number | undefined> } | undefined;
  private readonly cache: LRUCache<string, Kept>;
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(
    private readonly store: SummaryReader,
    private readonly opts: SummaryCacheOptions,
  ) {
    this.cache = new LRUCache({
      maxSize: Math.max(1, opts.maxRows),
      sizeCalculation: (kept) => Math.max(1, kept.rows.length),
    });
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

  async read(read: SummaryRead, budget: ReadBudget): Promise<SummaryRows> {
    if (this.opts.asOfReuseMs <= 0) return this.store.read(read, budget);
    const asOf = await this.asOf();
    const key = cacheKey(read);
    const kept = this.cache.get(key);
    if (asOf === undefined || kept === undefined || kept.asOf < asOf - MAX_STALE_MS) {
      const fresh = await this.store.read(read, budget);
      this.keep(key, fresh);
      return fresh;
    }
    if (kept.asOf < asOf) this.refresh(key, read);
    // Kept rows count against the request's budget as a read of them would.
    if (kept.rows.length > budget.rowsLeft()) {
      budget.exhausted(`the summary read holds ${kept.rows.length} rows`);
    }
    budget.spend(kept.rows.length);
    return { rows: [...kept.rows], asOf: kept.asOf };
  }

  /** Settles when the background reads started so far have (tests wait on it). */
  async settled(): Promise<void> {
    await Promise.all([...this.refreshing.values()]);
  }

  /** One background read per key at a time; on failure the kept rows are dropped. */
  private refresh(key: string, read: SummaryRead): void {
    if (this.refreshing.has(key)) return;
    const done = this.store
      .read(read, this.opts.backgroundBudget())
      .then(
        (fresh) => this.keep(key, fresh),
        () => {
          this.cache.delete(key);
        },
      )
      .finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, done);
  }

  /** Keeps rows with a known round, unless rows of a newer round are kept already. */
  private keep(key: string, fresh: SummaryRows): void {
    if (fresh.asOf === undefined) return;
    const current = this.cache.get(key);
    if (current !== undefined && current.asOf > fresh.asOf) return;
    this.cache.set(key, { rows: fresh.rows, asOf: fresh.asOf });
  }
}

/** The read's identity: length, partitions and slot range. */
function cacheKey(read: SummaryRead): string {
  return [
    read.length,
    read.fromSlot,
    read.toSlot,
    read.partitions.buckets.join(","),
    read.partitions.regions.join(","),
  ].join("|");
}
