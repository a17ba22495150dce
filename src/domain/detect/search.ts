/**
 * The neighbour search: exact k nearest within a distance bound and a time window, after
 * GeoMesa's KNN process. Start from a radius estimated from the density seen around the place,
 * read only the cells of one geohash length that reach into the circle, and stop once the k-th
 * candidate is closer than the edge of the area already read; otherwise widen the circle by what
 * the density found so far says is needed, and read only the new cells.
 *
 * Smallest area first: the circle only grows, so lengths only get coarser. Decreasing time with
 * increasing space: each length is searched over its own horizon, and the window only shrinks,
 * both when a coarser length takes over and when a partition returns its row limit (a dense
 * place then gets the newest rows only, and the window starts where those rows end).
 *
 * Pure: the caller runs each read against storage and hands the rows back.
 */
import { cellsInCircle, circleCellBound, circleCover } from "../geo/cover.js";
import { haversineMeters } from "../geo/geo.js";
import { byDistance, isEligible, type Neighbour, type Origin } from "./neighbours.js";
import {
  cellExtentMeters,
  chooseLength,
  MAX_REFINEMENTS,
  METERS_PER_DEGREE,
  MIN_GROWTH,
  MIN_RADIUS_METERS,
  nextRadius,
  RADIUS_MARGIN,
  stopRule,
} from "./search-steps.js";
import type {
  CellRead,
  CellReadResult,
  SearchLevel,
  SearchOutcome,
  SearchPolicy,
  SearchResult,
} from "./search-types.js";

export { chooseLength, MIN_RADIUS_METERS, nextRadius, stopRule } from "./search-steps.js";
export type * from "./search-types.js";

/** One search for one event: ask `nextRead()`, run it, hand the result to `absorb()`, repeat. */
export class KnnSearch {
  private readonly levels: readonly SearchLevel[];
  private readonly covered = new Map<number, Set<string>>();
  private readonly candidates = new Map<string, Neighbour>();
  private radius: number;
  private windowFromMs = Number.NEGATIVE_INFINITY;
  private windowCut = false;
  private coveredRadius = 0;
  private reads = 0;
  private rowsRead = 0;
  private partitionsRead = 0;
  private stopLength = 0;
  private outcome: SearchOutcome | undefined;
  /** What the last nextRead() found about the cover it asked for, for absorb() to use. */
  private pending: { length: number; coveredMeters: number } | undefined;
  /** Reads redone at a finer length because a partition had more rows than a read takes. */
  private refinements = 0;
  /** The coarsest length the next read may use (raised after a refinement). */
  private minLength = 0;

  constructor(
    private readonly self: Origin,
    private readonly policy: SearchPolicy,
    startRadiusMeters: number,
  ) {
    if (policy.levels.length === 0) throw new Error("no geohash lengths to search");
    this.levels = [...policy.levels].sort((a, b) => b.length - a.length);
    this.radius = Math.min(
      policy.maxDistanceMeters,
      Math.max(MIN_RADIUS_METERS, startRadiusMeters),
    );
  }

  /** The next read, or undefined once the search has stopped. */
  nextRead(): CellRead | undefined {
    if (this.outcome !== undefined) return undefined;
    const { lat, lon, timeMs } = this.self;
    const level = this.nextLevel();
    const done = this.covered.get(level.length);
    // Looking one cell beyond the circle tells how far the read will have covered (a lower bound
    // past that): every cell within the radius is read by now, so the nearest one outside it is.
    const reach = this.radius + cellExtentMeters(level.length, lat);
    const cover = circleCover(lat, lon, this.radius, reach, level.length);
    this.pending = { length: level.length, coveredMeters: cover.nearestBeyondMeters };
    const cells = done === undefined ? cover.hashes : cover.hashes.filter((h) => !done.has(h));
    return {
      length: level.length,
      cells,
      fromMs: Math.max(this.windowFromMs, timeMs - level.horizonMs),
      toMs: timeMs,
      rowsPerPartition: this.policy.rowsPerPartition,
    };
  }

  /**
   * Takes the rows of `read` in, then decides whether to stop or how far to widen. A read some of
   * whose partitions held more rows than it takes is, while a finer length and refinements are
   * left, redone at the finer length over a circle sized from the density it saw, with the whole
   * window; otherwise its window is cut to what every partition returned.
   */
  absorb(read: CellRead, result: CellReadResult): void {
    this.reads++;
    this.rowsRead += result.rows.length;
    this.partitionsRead += result.partitions;
    this.stopLength = read.length;
    const cut = result.completeFromMs !== undefined && result.completeFromMs > read.fromMs;
    const refine =
      cut &&
      this.refinements < MAX_REFINEMENTS &&
      this.levels.some((l) => l.length > read.length) &&
      this.reads < this.policy.maxReads;
    if (cut && !refine) this.windowCut = true;
    const fromMs = refine
      ? read.fromMs
      : Math.max(read.fromMs, result.completeFromMs ?? read.fromMs);
    if (fromMs > this.windowFromMs) {
      this.windowFromMs = fromMs;
      for (const [id, c] of this.candidates) if (c.timeMs < fromMs) this.candidates.delete(id);
    }
    let done = this.covered.get(read.length);
    if (done === undefined) this.covered.set(read.length, (done = new Set()));
    for (const cell of read.cells) done.add(cell);

    const { lat, lon } = this.self;
    const maxDistance = this.policy.maxDistanceMeters;
    // Rows farther north or south than the bound cannot be neighbours: skipped before the distance.
    const maxDegrees = (maxDistance / METERS_PER_DEGREE) * 1.0001;
    for (const row of result.rows) {
      if (row.timeMs < fromMs || Math.abs(row.lat - lat) > maxDegrees) continue;
      if (!isEligible(this.self, row) || this.candidates.has(row.id)) continue;
      const distanceMeters = haversineMeters(lat, lon, row.lat, row.lon);
      if (distanceMeters <= maxDistance) {
        this.candidates.set(row.id, {
          id: row.id,
          lat: row.lat,
          lon: row.lon,
          value: row.value,
          timeMs: row.timeMs,
          distanceMeters,
        });
      }
    }

    const pending = this.pending;
    const covered =
      pending?.length === read.length
        ? pending.coveredMeters
        : this.coveredRadiusAt(read.length, done);
    this.pending = undefined;
    if (refine) {
      this.refineAfterCut(read, covered, result.completeFromMs ?? read.fromMs);
      return;
    }
    this.coveredRadius = covered;
    const { count, kth } = this.insideFigures();
    this.outcome = stopRule(kth, this.coveredRadius, maxDistance, this.reads, this.policy.maxReads);
    if (this.outcome === undefined) {
      this.radius = nextRadius(this.coveredRadius, count, this.policy.k, maxDistance);
    }
  }

  /**
   * After a cut read: its cells no longer count as read (their older rows are missing), the window
   * is whole again, and the next read, at a finer length, covers the circle that holds about k
   * events at the density the complete part of the cut read showed.
   */
  private refineAfterCut(read: CellRead, coveredMeters: number, completeFromMs: number): void {
    this.refinements++;
    const done = this.covered.get(read.length);
    for (const cell of read.cells) done?.delete(cell);
    this.windowFromMs = Number.NEGATIVE_INFINITY;
    this.minLength = read.length + 1;
    let recent = 0;
    for (const c of this.candidates.values()) {
      if (c.timeMs >= completeFromMs && c.distanceMeters <= coveredMeters) recent++;
    }
    const share =
      Math.max(1, this.self.timeMs - completeFromMs) / Math.max(1, read.toMs - read.fromMs);
    const radius =
      coveredMeters *
      Math.sqrt((this.policy.k / Math.max(1, recent)) * Math.min(1, share)) *
      RADIUS_MARGIN;
    this.radius = Math.max(MIN_RADIUS_METERS, Math.min(radius, this.radius / MIN_GROWTH));
  }

  /**
   * The length of the next read: the cheapest for the circle among those allowed (finer than a
   * cut one after a refinement), or among all when no allowed one covers it within the cell cap.
   */
  private nextLevel(): SearchLevel {
    const { lat, lon } = this.self;
    if (this.minLength > 0) {
      const allowed = this.levels.filter((l) => l.length >= this.minLength);
      const level = chooseLength({ lat, lon, radiusMeters: this.radius }, allowed, this.policy);
      if (circleCellBound(lat, lon, this.radius, level.length) <= this.policy.maxCellsPerRead)
        return level;
      this.minLength = 0;
    }
    return chooseLength({ lat, lon, radiusMeters: this.radius }, this.levels, this.policy);
  }

  /** Whether the search has stopped. */
  get done(): boolean {
    return this.outcome !== undefined;
  }

  /** The neighbours and how the search went; call once `done`. */
  result(): SearchResult {
    const inside = this.sortedInside();
    return {
      neighbours: inside.slice(0, this.policy.k),
      outcome: this.outcome ?? "budget",
      stopLength: this.stopLength,
      coveredRadiusMeters: this.coveredRadius,
      maxDistanceMeters: this.policy.maxDistanceMeters,
      windowFromMs: this.windowFromMs,
      windowToMs: this.self.timeMs,
      windowCut: this.windowCut,
      reads: this.reads,
      rowsRead: this.rowsRead,
      partitionsRead: this.partitionsRead,
    };
  }

  /** How many candidates lie within the covered circle, and the k-th nearest distance of them. */
  private insideFigures(): { count: number; kth: number | undefined } {
    const limit = Math.min(this.coveredRadius, this.policy.maxDistanceMeters);
    const distances: number[] = [];
    for (const c of this.candidates.values()) {
      if (c.distanceMeters <= limit) distances.push(c.distanceMeters);
    }
    const { k } = this.policy;
    if (distances.length < k) return { count: distances.length, kth: undefined };
    const sorted = Float64Array.from(distances).sort();
    return { count: distances.length, kth: sorted[k - 1] };
  }

  /** Candidates within the covered circle (and the bound), nearest first: the certain ones. */
  private sortedInside(): Neighbour[] {
    const limit = Math.min(this.coveredRadius, this.policy.maxDistanceMeters);
    const out: Neighbour[] = [];
    for (const c of this.candidates.values()) if (c.distanceMeters <= limit) out.push(c);
    return out.sort(byDistance);
  }

  /**
   * How far around the point everything has been read: the distance to the nearest cell of
   * `length` not yet read, looking one cell beyond the current circle (a lower bound past that).
   */
  private coveredRadiusAt(length: number, done: ReadonlySet<string>): number {
    const { lat, lon } = this.self;
    const reach = this.radius + cellExtentMeters(length, lat);
    for (const cell of cellsInCircle(lat, lon, reach, length)) {
      if (!done.has(cell.hash)) return cell.distanceMeters;
    }
    return reach;
  }
}
