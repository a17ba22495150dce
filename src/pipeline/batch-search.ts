/**
 * The neighbour searches of a whole batch, run together against storage: in each round every
 * unfinished search says which cells it needs next, the partitions they need are read once for
 * all of them (minus what the batch already read), and each search takes its own rows from what
 * came back, plus the batch's earlier events. A dense place checked 200 times in one batch reads
 * its partitions once, not 200 times.
 */
import { BatchVisibility } from "../domain/detect/batch-visibility.js";
import { DensityHints, radiusHint } from "../domain/detect/density-hints.js";
import type { Candidate } from "../domain/detect/neighbours.js";
import { PartitionCache } from "../domain/detect/partition-cache.js";
import { planReads, type BucketSizes } from "../domain/detect/read-plan.js";
import {
  KnnSearch,
  type CellRead,
  type SearchPolicy,
  type SearchResult,
} from "../domain/detect/search.js";
import type { EventStore } from "./ports.js";

/** How the reads of a batch went, for metrics. */
export interface BatchReadFigures {
  readonly statements: number;
  readonly rows: number;
  readonly partitions: number;
  /** Wall-clock time the first statement was sent (undefined when nothing was read). */
  readonly startedAtMs: number | undefined;
}

/** Runs one statement (with whatever retry and concurrency limit the caller applies). */
export type StatementRunner = <T>(statement: () => Promise<T>) => Promise<T>;

export interface BatchSearchOptions {
  readonly policy: SearchPolicy;
  readonly partitionsPerStatement: number;
  readonly now: () => number;
  readonly onReadSeconds: (seconds: number) => void;
}

/** Searches with memory of where each place's k nearest lay (density hints), batch after batch. */
export class BatchSearcher {
  private readonly hints: DensityHints;
  private readonly bucketMs: BucketSizes;
  private readonly lengths: readonly number[];

  constructor(
    private readonly store: Pick<EventStore, "readPartitions">,
    private readonly options: BatchSearchOptions,
    startRadiusMeters: number,
  ) {
    this.hints = new DensityHints(startRadiusMeters);
    const buckets = new Map(options.policy.levels.map((l) => [l.length, l.bucketMs]));
    this.bucketMs = (length) => {
      const size = buckets.get(length);
      if (size === undefined) throw new Error(`geohash length ${length} is not searched`);
      return size;
    };
    this.lengths = options.policy.levels.map((l) => l.length);
  }

  /**
   * The k nearest of each event (in offset order; `hashes[i]` is the geohash of `events[i]`, at
   * least as long as every searched length): stored events plus the batch's earlier ones, never
   * its later ones.
   */
  async search(
    events: readonly Candidate[],
    hashes: readonly string[],
    run: StatementRunner,
  ): Promise<{ results: SearchResult[]; figures: BatchReadFigures }> {
    const { policy } = this.options;
    const searches = events.map(
      (e, i) => new KnnSearch(e, policy, this.hints.startRadius(hashes[i] ?? "")),
    );
    const cache = new PartitionCache(this.bucketMs);
    const visibility = new BatchVisibility(events, hashes, this.lengths);
    let statements = 0;
    let rows = 0;
    let partitions = 0;
    let startedAtMs: number | undefined;

    for (;;) {
      const round: { index: number; read: CellRead }[] = [];
      searches.forEach((s, index) => {
        const read = s.nextRead();
        if (read !== undefined) round.push({ index, read });
      });
      if (round.length === 0) break;
      const plan = planReads(
        round.map((r) => r.read),
        this.bucketMs,
        cache,
        this.options.partitionsPerStatement,
      );
      startedAtMs ??= plan.length > 0 ? this.options.now() : undefined;
      const found = await Promise.all(
        plan.map((read) =>
          run(async () => {
            const t0 = performance.now();
            const result = await this.store.readPartitions(read);
            this.options.onReadSeconds((performance.now() - t0) / 1000);
            return result;
          }),
        ),
      );
      plan.forEach((read, i) => {
        const got = found[i] ?? [];
        cache.add(read, got);
        statements++;
        partitions += read.cells.length * read.buckets.length;
        for (const p of got) rows += p.rows.length;
      });
      for (const { index, read } of round) {
        searches[index]?.absorb(read, cache.serve(read, visibility.for(index)));
      }
    }

    const results = searches.map((s, i) => {
      const result = s.result();
      const horizon = policy.levels.find((l) => l.length === result.stopLength)?.horizonMs ?? 0;
      this.hints.record(hashes[i] ?? "", radiusHint(result, policy.k, horizon));
      return result;
    });
    return { results, figures: { statements, rows, partitions, startedAtMs } };
  }
}
