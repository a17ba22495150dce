import { buildAlert, type AnomalyAlert } from "../domain/alert.js";
import type { GeoEvent } from "../domain/event.js";
import type { LevelLayout } from "../domain/levels.js";
import {
  planSearch,
  runSearch,
  type Neighbour,
  type SearchMode,
  type SearchResult,
  type SearchStep,
} from "../domain/search.js";
import { SCORERS, type ScorerName, type Verdict } from "../domain/scoring.js";
import { finerLengthSuffices, nextHint, StartHints } from "../domain/start-hints.js";
import type { EventStore, PipelineMetrics } from "./ports.js";

export interface DetectorSettings {
  readonly layout: LevelLayout;
  readonly k: number;
  readonly mode: SearchMode;
  readonly scorer: ScorerName;
  readonly threshold: number;
  readonly minNeighbours: number;
  readonly alertKeyLength: number;
  /** `adaptive`: start where searches around the place recently succeeded; `longest`: always at the longest length. */
  readonly searchStart: "adaptive" | "longest";
}

/** What one check produced. */
export interface CheckOutcome {
  readonly event: GeoEvent;
  readonly search: SearchResult;
  readonly verdict: Verdict;
  readonly alert?: AnomalyAlert;
}

/** Neighbour positions in km east and north of the event (longitude wrapped at the antimeridian). */
function offsetsKm(event: GeoEvent, neighbours: readonly Neighbour[]): [number, number][] {
  const kmPerDegLon = 111.32 * Math.cos((event.lat * Math.PI) / 180);
  return neighbours.map((n) => [
    (((n.lon - event.lon + 540) % 360) - 180) * kmPerDegLon,
    (n.lat - event.lat) * 110.574,
  ]);
}

/**
 * One check: store the event at every length and, at the same time, search
 * its neighbours outward (the event is never its own neighbour, so the two
 * need not wait for each other), then score and build the alert if any.
 */
export class Detector {
  private readonly hints: StartHints | undefined;
  private readonly longest: number;

  constructor(
    private readonly store: EventStore,
    private readonly settings: DetectorSettings,
    private readonly metrics: PipelineMetrics,
    private readonly now: () => number = Date.now,
  ) {
    this.longest = Math.max(...settings.layout.map((l) => l.length));
    this.hints = settings.searchStart === "adaptive" ? new StartHints(this.longest) : undefined;
  }

  /** Stores the event; rejects if any length's write failed. */
  async persist(event: GeoEvent): Promise<void> {
    const t0 = performance.now();
    await this.store.write(event);
    this.metrics.writeSeconds((performance.now() - t0) / 1000);
    this.metrics.stored();
  }

  /** Searches and scores without storing (used by `near` and by the check). */
  async evaluate(event: GeoEvent): Promise<{ search: SearchResult; verdict: Verdict }> {
    const s = this.settings;
    const start = this.hints?.startLength(event) ?? this.longest;
    // Plan only the lengths this search may visit: no cells are computed for skipped lengths.
    const layout = start >= this.longest ? s.layout : s.layout.filter((l) => l.length <= start);
    const plan = planSearch(event, layout, s.mode);
    const search = await runSearch(event, plan, s.k, s.mode, (step) => this.timedFetch(step));
    if (this.hints !== undefined) {
      const finer = finerLengthSuffices(
        event,
        search.neighbours,
        s.k,
        search.stoppedAtLength,
        s.mode,
        this.longest,
      );
      this.hints.record(event, nextHint(search, finer));
    }
    const oldestFirst = [...search.neighbours].sort((a, b) => a.timeMs - b.timeMs);
    const verdict = SCORERS[s.scorer]({
      value: event.value,
      neighbourValues: oldestFirst.map((n) => n.value),
      // Positions only for the scorer that uses them: nothing extra per check otherwise.
      ...(s.scorer === "trend" ? { neighbourOffsetsKm: offsetsKm(event, oldestFirst) } : {}),
      threshold: s.threshold,
      minNeighbours: s.minNeighbours,
    });
    const statements = plan
      .slice(0, search.queries)
      .reduce((sum, step) => sum + this.store.statementsFor(step), 0);
    this.metrics.queriesPerCheck(statements);
    this.metrics.stopLength(search.stoppedAtLength);
    return { search, verdict };
  }

  async check(event: GeoEvent): Promise<CheckOutcome> {
    const [, { search, verdict }] = await Promise.all([this.persist(event), this.evaluate(event)]);
    this.metrics.checked(verdict.kind);
    if (verdict.kind !== "scored" || !verdict.anomalous) return { event, search, verdict };
    this.metrics.anomaly();
    const alert = buildAlert(
      event,
      verdict,
      search,
      this.settings.mode,
      this.settings.alertKeyLength,
      this.now(),
    );
    return { event, search, verdict, alert };
  }

  private async timedFetch(step: SearchStep): ReturnType<EventStore["fetch"]> {
    const t0 = performance.now();
    const rows = await this.store.fetch(step);
    this.metrics.readSeconds((performance.now() - t0) / 1000);
    return rows;
  }
}
