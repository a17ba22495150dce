import pLimit from "p-limit";
import { buildAlert, type AnomalyAlert } from "../domain/detect/alert.js";
import type { GeoEvent } from "../domain/detect/event.js";
import { encode } from "../domain/geo/geo.js";
import type { LevelLayout } from "../domain/sizing/levels.js";
import type { SearchPolicy, SearchResult } from "../domain/detect/search.js";
import type { Verdict } from "../domain/detect/scoring.js";
import { judge, type VerdictSettings } from "../domain/detect/verdict.js";
import { packWrites, planWrites, type PartitionWrite } from "../domain/detect/write-plan.js";
import { isGeoAnomalyError } from "../errors.js";
import { BatchSearcher } from "./batch-search.js";
import type { CheckTracer, EventStore, PipelineMetrics, RetriedOperation } from "./ports.js";
import { withRetry, type RetryOptions } from "./retry.js";

export interface DetectorSettings extends VerdictSettings {
  readonly search: SearchPolicy;
  /** Every stored length (searched or not): where each event is written. */
  readonly layout: LevelLayout;
  /** First radius where no earlier search around the place says better. */
  readonly startRadiusMeters: number;
  /** Geohash length of the alert's region (its Kafka key). */
  readonly alertKeyLength: number;
  /** Most partitions one read statement asks for. */
  readonly partitionsPerRead: number;
  /** Most rows one write statement carries (partitions with the same replicas share one). */
  readonly rowsPerWrite: number;
  /** Most Cassandra statements one batch check has in flight. */
  readonly statementsInFlight: number;
  readonly retry: RetryOptions;
}

/** An event to check and the record it came from. */
export interface CheckItem {
  readonly event: GeoEvent;
  readonly partition: number;
  readonly offset: string;
}

/** What one check produced; `rejected` when the store refused the event itself (dead-lettered). */
export type CheckOutcome =
  | {
      readonly kind: "checked";
      readonly event: GeoEvent;
      readonly search: SearchResult;
      readonly verdict: Verdict;
      readonly alert?: AnomalyAlert;
    }
  | { readonly kind: "rejected"; readonly event: GeoEvent; readonly error: unknown };

/** Longest hash any part of a check needs: stored lengths, the alert region, the hint keys. */
const MIN_HASH_LENGTH = 6;

/** Runs one statement of a batch: under its concurrency limit, retried on its own. */
type Run = <T>(operation: RetriedOperation, statement: () => Promise<T>) => Promise<T>;

const NO_TRACE: CheckTracer = { record: () => undefined };

/**
 * Checks a batch of events as one unit of work: each event is geohashed once; the batch's rows are
 * written grouped by partition and packed by replica set while the searches of all its events run together (each event sees
 * the stored events and the batch's earlier ones, never its later ones, so neither side waits for
 * the other); every statement is retried on its own. Then the verdicts, and the alerts.
 */
export class Detector {
  private readonly searcher: BatchSearcher;
  private readonly hashLength: number;

  constructor(
    private readonly store: EventStore,
    private readonly settings: DetectorSettings,
    private readonly metrics: PipelineMetrics,
    private readonly tracer: CheckTracer = NO_TRACE,
    private readonly now: () => number = Date.now,
  ) {
    this.searcher = new BatchSearcher(
      store,
      {
        policy: settings.search,
        partitionsPerStatement: settings.partitionsPerRead,
        now,
        onReadSeconds: (s) => metrics.readSeconds(s),
      },
      settings.startRadiusMeters,
    );
    this.hashLength = Math.max(
      MIN_HASH_LENGTH,
      settings.alertKeyLength,
      ...settings.layout.map((l) => l.length),
      ...settings.search.levels.map((l) => l.length),
    );
  }

  /** Searches and judges one point without storing it (what `near` and the query API show). */
  async evaluate(event: GeoEvent): Promise<{ search: SearchResult; verdict: Verdict }> {
    const hash = encode(event.lat, event.lon, this.hashLength);
    const run = this.runner(() => true);
    const { results } = await this.searcher.search([event], [hash], (s) => run("read", s));
    const search = results[0];
    if (search === undefined) throw new Error("a search of one event returned nothing");
    return { search, verdict: judge(event, search, this.settings) };
  }

  /**
   * Stores, searches and judges a batch (offset order); `active` stops retrying once the batch is
   * abandoned. Throws when a statement fails for good: nothing of the batch may be committed.
   */
  async checkBatch(
    items: readonly CheckItem[],
    active: () => boolean = () => true,
  ): Promise<CheckOutcome[]> {
    if (items.length === 0) return [];
    const t0 = performance.now();
    const events = items.map((i) => i.event);
    const hashes = events.map((e) => encode(e.lat, e.lon, this.hashLength));
    const run = this.runner(active);
    const [writes, found] = await Promise.all([
      this.write(events, hashes, run),
      this.searcher.search(events, hashes, (s) => run("read", s)),
    ]);
    const { results, figures } = found;
    this.metrics.storeWork({
      readStatements: figures.statements,
      writeStatements: writes.statements,
      rowsRead: figures.rows,
      partitionsRead: figures.partitions,
      rowsWritten: writes.rows,
    });
    this.metrics.stored(events.length - writes.rejected.size);

    const outcomes = items.map((item, i): CheckOutcome => {
      const { event } = item;
      const rejected = writes.rejected.get(event.id);
      if (rejected !== undefined) return { kind: "rejected", event, error: rejected };
      const search = results[i] as SearchResult;
      return this.conclude(item, hashes[i] ?? "", search, figures.startedAtMs ?? this.now());
    });
    this.metrics.batchChecked(items.length, (performance.now() - t0) / 1000);
    return outcomes;
  }

  private conclude(
    item: CheckItem,
    hash: string,
    search: SearchResult,
    searchStartedAtMs: number,
  ): CheckOutcome {
    const { event } = item;
    const verdict = judge(event, search, this.settings);
    this.metrics.searched({
      rows: search.rowsRead,
      partitions: search.partitionsRead,
      stopLength: search.stopLength,
      outcome: search.outcome,
      windowCut: search.windowCut,
    });
    this.metrics.checked(verdict);
    this.tracer.record(() => ({
      eventId: event.id,
      partition: item.partition,
      offset: item.offset,
      lat: event.lat,
      lon: event.lon,
      timeMs: event.timeMs,
      searchStartedAtMs,
      neighbourIds: search.neighbours.map((n) => n.id),
      neighbourDistancesMeters: search.neighbours.map((n) => n.distanceMeters),
      stopLength: search.stopLength,
      coveredRadiusMeters: search.coveredRadiusMeters,
      maxDistanceMeters: search.maxDistanceMeters,
      windowFromMs: search.windowFromMs,
      windowToMs: search.windowToMs,
      complete: search.outcome !== "budget",
      outcome: search.outcome,
      verdict: verdict.kind,
      reason: verdict.kind === "insufficient" ? verdict.reason : null,
      score: verdict.kind === "scored" ? verdict.score : null,
      rowsRead: search.rowsRead,
      partitionsRead: search.partitionsRead,
      steps: search.reads,
    }));
    if (verdict.kind !== "scored" || !verdict.anomalous) {
      return { kind: "checked", event, search, verdict };
    }
    this.metrics.anomaly();
    const alert = buildAlert(
      event,
      hash,
      verdict,
      search,
      this.settings.alertKeyLength,
      this.now(),
    );
    return { kind: "checked", event, search, verdict, alert };
  }

  /**
   * Writes the batch: rows grouped by partition, partitions packed by replica set. A statement the
   * store refuses as such (a value it cannot take) is written again partition by partition, then
   * row by row, so only the offending events are rejected.
   */
  private async write(
    events: readonly GeoEvent[],
    hashes: readonly string[],
    run: Run,
  ): Promise<{ statements: number; rows: number; rejected: Map<string, unknown> }> {
    const rejected = new Map<string, unknown>();
    let statements = 0;
    let rows = 0;
    const writeOne = async (writes: readonly PartitionWrite[]): Promise<void> => {
      statements++;
      try {
        await run("write", async () => {
          const t0 = performance.now();
          await this.store.writePartitions(writes);
          this.metrics.writeSeconds((performance.now() - t0) / 1000);
        });
        for (const w of writes) rows += w.events.length;
      } catch (error) {
        if (!isGeoAnomalyError(error, "EVENT_REJECTED")) throw error;
        const [only] = writes;
        if (writes.length > 1) await Promise.all(writes.map((w) => writeOne([w])));
        else if (only !== undefined && only.events.length > 1) {
          await Promise.all(only.events.map((e) => writeOne([{ ...only, events: [e] }])));
        } else if (only?.events[0] !== undefined) rejected.set(only.events[0].id, error);
      }
    };
    const partitions = planWrites(events, hashes, this.settings.layout);
    const statementsToSend = packWrites(
      partitions,
      (w) => this.store.replicasOf(w),
      this.settings.rowsPerWrite,
    );
    await Promise.all(statementsToSend.map(writeOne));
    return { statements, rows, rejected };
  }

  /** One concurrency limit for a batch's statements, each retried on its own. */
  private runner(active: () => boolean): Run {
    const limit = pLimit(this.settings.statementsInFlight);
    const retry = this.settings.retry;
    return (op, statement) =>
      limit(() => withRetry(statement, retry, () => this.metrics.retried(op), active));
  }
}
