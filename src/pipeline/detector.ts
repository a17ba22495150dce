import { buildAlert, type AnomalyAlert } from "../domain/alert.js";
import type { GeoEvent } from "../domain/event.js";
import { encode } from "../domain/geo.js";
import type { SearchPolicy, SearchResult } from "../domain/search.js";
import type { Verdict } from "../domain/scoring.js";
import { judge, type VerdictSettings } from "../domain/verdict.js";
import { NeighbourFinder } from "./neighbour-finder.js";
import type { CheckTracer, EventStore, PipelineMetrics } from "./ports.js";
import { withRetry, type RetryOptions } from "./retry.js";

export interface DetectorSettings extends VerdictSettings {
  readonly search: SearchPolicy;
  /** First radius where no earlier search around the place says better. */
  readonly startRadiusMeters: number;
  /** Geohash length of the alert's region (its Kafka key). */
  readonly alertKeyLength: number;
  readonly retry: RetryOptions;
}

/** What one check produced. */
export interface CheckOutcome {
  readonly event: GeoEvent;
  readonly search: SearchResult;
  readonly verdict: Verdict;
  readonly alert?: AnomalyAlert;
}

/** Longest hash any part of a check needs: stored lengths, the alert region, the hint keys. */
const MIN_HASH_LENGTH = 6;

const NO_TRACE: CheckTracer = { record: () => undefined };

/**
 * One check: the event is geohashed once, stored at every length and, at the same time, its
 * neighbours are searched (the event is never its own neighbour, so neither waits for the
 * other); each is retried on its own, so a failed read never writes the event again. Then the
 * verdict, and the alert if any.
 */
export class Detector {
  private readonly finder: NeighbourFinder;
  private readonly hashLength: number;

  constructor(
    private readonly store: EventStore,
    private readonly settings: DetectorSettings,
    private readonly metrics: PipelineMetrics,
    private readonly tracer: CheckTracer = NO_TRACE,
    private readonly now: () => number = Date.now,
  ) {
    this.finder = new NeighbourFinder(store, settings.search, settings.startRadiusMeters, (s) =>
      metrics.readSeconds(s),
    );
    this.hashLength = Math.max(
      MIN_HASH_LENGTH,
      settings.alertKeyLength,
      ...settings.search.levels.map((l) => l.length),
    );
  }

  /** Searches and judges without storing (what `near` and the query API show). */
  async evaluate(event: GeoEvent): Promise<{ search: SearchResult; verdict: Verdict }> {
    const hash = encode(event.lat, event.lon, this.hashLength);
    const { search } = await this.finder.find(event, hash);
    return { search, verdict: judge(event, search, this.settings) };
  }

  /** Stores, searches, judges; `active` stops retrying once the batch is abandoned. */
  async check(event: GeoEvent, active: () => boolean = () => true): Promise<CheckOutcome> {
    const hash = encode(event.lat, event.lon, this.hashLength);
    const retry = this.settings.retry;
    const searchStartedAtMs = this.now();
    const [, found] = await Promise.all([
      withRetry(
        () => this.persist(event, hash),
        retry,
        () => this.metrics.retried("write"),
        active,
      ),
      withRetry(
        () => this.finder.find(event, hash),
        retry,
        () => this.metrics.retried("read"),
        active,
      ),
    ]);
    const { search, statements } = found;
    const verdict = judge(event, search, this.settings);
    this.metrics.searched({
      statements,
      rows: search.rowsRead,
      partitions: search.partitionsRead,
      stopLength: search.stopLength,
      outcome: search.outcome,
      windowCut: search.windowCut,
    });
    this.metrics.checked(verdict);
    this.tracer.record(() => ({
      eventId: event.id,
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
      rowsRead: search.rowsRead,
      partitionsRead: search.partitionsRead,
      steps: search.reads,
    }));
    if (verdict.kind !== "scored" || !verdict.anomalous) return { event, search, verdict };
    this.metrics.anomaly();
    const alert = buildAlert(
      event,
      hash,
      verdict,
      search,
      this.settings.alertKeyLength,
      this.now(),
    );
    return { event, search, verdict, alert };
  }

  private async persist(event: GeoEvent, hash: string): Promise<void> {
    const t0 = performance.now();
    await this.store.write(event, hash);
    this.metrics.writeSeconds((performance.now() - t0) / 1000);
    this.metrics.stored();
  }
}
