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
import { gridShape } from "../geo/grid.js";
import { EARTH_RADIUS_METERS, haversineMeters } from "../geo/geo.js";
import {
  byDistance,
  isEligible,
  type Candidate,
  type Neighbour,
  type Origin,
} from "./neighbours.js";

/** A stored length as the search sees it: how far back it looks, and its partitions' time bucket. */
export interface SearchLevel {
  readonly length: number;
  readonly horizonMs: number;
  readonly bucketMs: number;
}

/** What bounds a search. */
export interface SearchPolicy {
  readonly k: number;
  /** Farther events are never neighbours: the spatial scale of "the same place". */
  readonly maxDistanceMeters: number;
  /** A read touches at most about this many cells (a length needing more is not used for it). */
  readonly maxCellsPerRead: number;
  /**
   * What reading one more partition costs, in rows: the exchange rate between finer cells (more
   * partitions, fewer rows from beyond the circle) and coarser ones, from measured capacity.
   */
  readonly partitionCostRows: number;
  /** Reads after which the search stops whatever it found (a hot spot cannot blow up a check). */
  readonly maxReads: number;
  /** Newest rows taken from one partition; a partition that fills it cuts the time window. */
  readonly rowsPerPartition: number;
  /** The stored lengths, any order. */
  readonly levels: readonly SearchLevel[];
}

/** One read: every stored row of these cells of one length with fromMs <= time <= toMs. */
export interface CellRead {
  readonly length: number;
  readonly cells: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly rowsPerPartition: number;
}

/** What storage returned for a read. */
export interface CellReadResult {
  readonly rows: readonly Candidate[];
  /** Partitions the read touched (cells × time buckets in a bucketed store). */
  readonly partitions: number;
  /**
   * Set when some partition returned `rowsPerPartition` rows: older rows may be missing, so the
   * read is complete only for rows at or after this time.
   */
  readonly completeFromMs?: number;
}

/**
 * How a search ended: `complete` (the k nearest within the bound, exactly), `bounded` (everything
 * within the distance bound was read and fewer than k are there), `budget` (maxReads reached:
 * the neighbours are exact only within `coveredRadiusMeters`).
 */
export type SearchOutcome = "complete" | "bounded" | "budget";

export interface SearchResult {
  /** Nearest first; at most k. */
  readonly neighbours: readonly Neighbour[];
  readonly outcome: SearchOutcome;
  /** The length of the last read (0 when nothing was read). */
  readonly stopLength: number;
  /** Every stored event within this distance and the window was read. */
  readonly coveredRadiusMeters: number;
  readonly maxDistanceMeters: number;
  readonly windowFromMs: number;
  readonly windowToMs: number;
  /** True when a partition's row limit shortened the window. */
  readonly windowCut: boolean;
  readonly reads: number;
  readonly rowsRead: number;
  readonly partitionsRead: number;
}

/** Metres per degree of latitude on the mean sphere. */
const METERS_PER_DEGREE = (EARTH_RADIUS_METERS * Math.PI) / 180;
/** A circle smaller than this is not worth a read of its own. */
export const MIN_RADIUS_METERS = 5;
/** Margin on density estimates: a little more area than the estimate says, to finish in one read. */
const RADIUS_MARGIN = 1.1;
/** Each widening grows the circle at least this much. */
const MIN_GROWTH = 1.3;
/** Cut reads redone at a finer length per search; after these, a cut shortens the window. */
const MAX_REFINEMENTS = 2;

/**
 * The cheapest stored length for a read of the circle: each length's cells around it (at most
 * `maxCells`) cost a partition each per time bucket, and their area brings rows, about k for the
 * circle's own area (the radius is what held k last time around here). Coarse cells read many rows
 * from beyond the circle; fine ones many partitions. `levels` longest first; the coarsest stored
 * length when none fits under `maxCells`.
 */
export function chooseLength(
  lat: number,
  lon: number,
  radiusMeters: number,
  levels: readonly SearchLevel[],
  policy: Pick<SearchPolicy, "k" | "maxCellsPerRead" | "partitionCostRows">,
): SearchLevel {
  const circle = Math.PI * radiusMeters * radiusMeters;
  const cosLat = Math.max(0.01, Math.cos((lat * Math.PI) / 180));
  let best: SearchLevel | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const level of levels) {
    const cells = circleCellBound(lat, lon, radiusMeters, level.length);
    if (cells > policy.maxCellsPerRead) continue;
    const shape = gridShape(level.length);
    const cellArea = shape.widthDeg * shape.heightDeg * METERS_PER_DEGREE ** 2 * cosLat;
    // About two time buckets per read (horizon = bucket), so two partitions per cell.
    const cost = (policy.k * cells * cellArea) / circle + policy.partitionCostRows * cells * 2;
    if (cost < bestCost) {
      best = level;
      bestCost = cost;
    }
  }
  const chosen = best ?? levels[levels.length - 1];
  if (chosen === undefined) throw new Error("no geohash lengths to search");
  return chosen;
}

/** The largest side of a cell of `length` at latitude `lat`, in metres. */
function cellExtentMeters(length: number, lat: number): number {
  const shape = gridShape(length);
  const height = shape.heightDeg * METERS_PER_DEGREE;
  const width = shape.widthDeg * METERS_PER_DEGREE * Math.max(0, Math.cos((lat * Math.PI) / 180));
  return Math.max(height, width);
}

/**
 * The next radius when the k nearest are not yet certain: the circle that would hold k events at
 * the density found inside the covered one (at least MIN_GROWTH wider, at most the bound, and the
 * bound itself when it is less than one more growth step away). With nothing found, the density is
 * below one event per covered area, so k need sqrt(2k) times the radius at least.
 */
export function nextRadius(
  coveredRadius: number,
  foundInside: number,
  k: number,
  maxDistance: number,
): number {
  const factor = Math.sqrt(k / Math.max(foundInside, 0.5)) * RADIUS_MARGIN;
  const next = Math.max(coveredRadius * MIN_GROWTH, coveredRadius * factor);
  // Within one growth step of the bound, take the bound: a thin last annulus costs a read of its own.
  return next * MIN_GROWTH >= maxDistance ? maxDistance : next;
}

/**
 * The stop rule: enough when the k-th nearest candidate lies inside the covered circle (nothing
 * unread can be nearer); bounded when the covered circle reaches the distance bound; budget when
 * the reads are used up.
 */
export function stopRule(
  kthDistance: number | undefined,
  coveredRadius: number,
  maxDistance: number,
  reads: number,
  maxReads: number,
): SearchOutcome | undefined {
  if (kthDistance !== undefined && kthDistance <= coveredRadius) return "complete";
  if (coveredRadius >= maxDistance) return "bounded";
  if (reads >= maxReads) return "budget";
  return undefined;
}

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
      const level = chooseLength(lat, lon, this.radius, allowed, this.policy);
      if (circleCellBound(lat, lon, this.radius, level.length) <= this.policy.maxCellsPerRead)
        return level;
      this.minLength = 0;
    }
    return chooseLength(lat, lon, this.radius, this.levels, this.policy);
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
