/**
 * A lat/lon bin index of the bench's event log, so brute-force references ("every event within
 * d metres of here, in this time window") stay exact but cost far less than a scan of all events
 * per query: ~50k events times a few thousand queries. Bins are equal in degrees; a query visits
 * the bins of the circle's exact bounding box (wrapping across the antimeridian, all longitudes
 * when the circle holds a pole), then keeps events by great-circle distance, the product's own
 * `haversineMeters`, so the index only prunes and never decides.
 */
import { EARTH_RADIUS_METERS, haversineMeters } from "../../src/domain/geo/geo.js";

/** What the index needs of an event. */
export interface GridEvent {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly timeMs: number;
}

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;
/** Widens query boxes by a hair so floating-point rounding at a bin edge never loses an event. */
const PAD_DEG = 1e-9;
/** Smallest bin (about 11 m), so bin keys stay exact integers. */
const MIN_BIN_DEG = 1e-4;

/** Index of the first event with timeMs >= t in a list sorted by time. */
function firstAtOrAfter(events: readonly GridEvent[], t: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid]?.timeMs ?? Infinity) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class EventGrid<T extends GridEvent> {
  private readonly rows: number;
  private readonly columns: number;
  private readonly latBin: number;
  private readonly lonBin: number;
  /** Bin key -> its events sorted by time. */
  private readonly bins = new Map<number, T[]>();

  /**
   * @param binMeters bin size along a meridian: about the query radius for counting queries
   *   that stop early, about half of it for nearest-neighbour candidates (smaller: more bins
   *   ranked per query; larger: more events tested in a dense bin).
   */
  constructor(events: Iterable<T>, binMeters: number) {
    if (!(binMeters > 0)) throw new RangeError(`binMeters must be > 0, got ${binMeters}`);
    const wanted = Math.max(MIN_BIN_DEG, (binMeters / EARTH_RADIUS_METERS) * DEG);
    // Whole numbers of bins around the globe, so a column index wraps exactly at ±180°.
    this.rows = Math.ceil(180 / wanted);
    this.columns = Math.ceil(360 / wanted);
    this.latBin = 180 / this.rows;
    this.lonBin = 360 / this.columns;
    for (const e of events) {
      const key = this.rowOf(e.lat) * this.columns + this.columnOf(e.lon);
      const bin = this.bins.get(key);
      if (bin === undefined) this.bins.set(key, [e]);
      else bin.push(e);
    }
    for (const bin of this.bins.values()) bin.sort((a, b) => a.timeMs - b.timeMs);
  }

  private rowOf(lat: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((lat + 90) / this.latBin)));
  }

  private columnOf(lon: number): number {
    const raw = Math.floor((lon + 180) / this.lonBin);
    return ((raw % this.columns) + this.columns) % this.columns;
  }

  /** Keys of the bins that may hold an event within `radiusMeters` of the point. */
  private candidateKeys(lat: number, lon: number, radiusMeters: number): Iterable<number> {
    const angular = radiusMeters / EARTH_RADIUS_METERS;
    const south = lat - angular * DEG - PAD_DEG;
    const north = lat + angular * DEG + PAD_DEG;
    // Column range [first, last] (unwrapped), or every column when the circle holds a pole or
    // is wider than its parallel.
    let first = 0;
    let last = this.columns - 1;
    if (south > -90 && north < 90 && angular < Math.PI / 2) {
      const sinHalf = Math.sin(angular) / Math.cos(lat * RAD);
      if (sinHalf < 1) {
        const half = Math.asin(sinHalf) * DEG + PAD_DEG;
        first = Math.floor((lon - half + 180) / this.lonBin);
        last = Math.min(first + this.columns - 1, Math.floor((lon + half + 180) / this.lonBin));
      }
    }
    const firstRow = this.rowOf(Math.max(-90, south));
    const lastRow = this.rowOf(Math.min(90, north));
    if ((lastRow - firstRow + 1) * (last - first + 1) >= this.bins.size) return this.bins.keys();
    const out: number[] = [];
    for (let r = firstRow; r <= lastRow; r++) {
      for (let c = first; c <= last; c++) {
        const key = r * this.columns + (((c % this.columns) + this.columns) % this.columns);
        if (this.bins.has(key)) out.push(key);
      }
    }
    return out;
  }

  /** The bins that may hold an event within the radius, nearest first, with their lower bounds. */
  private binsNearestFirst(
    lat: number,
    lon: number,
    radiusMeters: number,
  ): { events: T[]; atLeastMeters: number }[] {
    const out: { events: T[]; atLeastMeters: number }[] = [];
    for (const key of this.candidateKeys(lat, lon, radiusMeters)) {
      const events = this.bins.get(key);
      if (events === undefined) continue;
      const row = Math.floor(key / this.columns);
      const column = key - row * this.columns;
      const south = -90 + row * this.latBin;
      const west = -180 + column * this.lonBin;
      const atLeastMeters = boxLowerBoundMeters(lat, lon, {
        south,
        north: south + this.latBin,
        west,
        east: west + this.lonBin,
      });
      if (atLeastMeters <= radiusMeters) out.push({ events, atLeastMeters });
    }
    return out.sort((a, b) => a.atLeastMeters - b.atLeastMeters);
  }

  /**
   * Visits every event with fromMs <= timeMs <= toMs within `radiusMeters` (great circle,
   * inclusive) of the point with its distance, bin by bin from the nearest bin; `visit` returns
   * true to stop early.
   */
  forEachWithin(
    lat: number,
    lon: number,
    radiusMeters: number,
    fromMs: number,
    toMs: number,
    visit: (event: T, distanceMeters: number) => boolean | void,
  ): void {
    if (!(radiusMeters >= 0) || fromMs > toMs) return;
    for (const bin of this.binsNearestFirst(lat, lon, radiusMeters)) {
      for (let i = firstAtOrAfter(bin.events, fromMs); i < bin.events.length; i++) {
        const e = bin.events[i];
        if (e === undefined || e.timeMs > toMs) break;
        const d = haversineMeters(lat, lon, e.lat, e.lon);
        if (d <= radiusMeters && visit(e, d) === true) return;
      }
    }
  }

  /** Events within `radiusMeters` of the point with fromMs <= timeMs <= toMs, in no order. */
  within(lat: number, lon: number, radiusMeters: number, fromMs = -Infinity, toMs = Infinity): T[] {
    const out: T[] = [];
    this.forEachWithin(lat, lon, radiusMeters, fromMs, toMs, (e) => void out.push(e));
    return out;
  }

  /**
   * A subset of the events within the radius and window that surely holds the k nearest
   * `eligible` ones: bins are read nearest first and reading stops at the first bin that cannot
   * hold anything nearer than the k-th nearest found so far (strictly farther, so no tie is
   * lost). Rank the result with `nearestK` for the exact answer at a fraction of the cost.
   */
  nearestCandidates(
    lat: number,
    lon: number,
    radiusMeters: number,
    fromMs: number,
    toMs: number,
    k: number,
    eligible: (event: T) => boolean,
  ): T[] {
    const out: T[] = [];
    if (!(radiusMeters >= 0) || fromMs > toMs || k <= 0) return out;
    let best: number[] = [];
    let kth = Infinity;
    for (const bin of this.binsNearestFirst(lat, lon, radiusMeters)) {
      if (bin.atLeastMeters > kth) break;
      for (let i = firstAtOrAfter(bin.events, fromMs); i < bin.events.length; i++) {
        const e = bin.events[i];
        if (e === undefined || e.timeMs > toMs) break;
        const d = haversineMeters(lat, lon, e.lat, e.lon);
        if (d > radiusMeters || !eligible(e)) continue;
        out.push(e);
        best.push(d);
      }
      // The k-th distance only shrinks as events are added, so a stale one prunes less but never
      // wrongly; re-ranking only when the list has doubled keeps this linear.
      if (best.length >= (kth === Infinity ? k : 2 * k)) {
        best = best.sort((a, b) => a - b).slice(0, k);
        kth = best[k - 1] ?? Infinity;
      }
    }
    return out;
  }
}

/** A lat/lon box in degrees (west < east here: bins never cross the antimeridian). */
export interface LatLonBox {
  readonly south: number;
  readonly north: number;
  readonly west: number;
  readonly east: number;
}

const hav = (angle: number): number => Math.sin(angle / 2) ** 2;

/**
 * A lower bound of the great-circle distance from the point to any point of the box, from the
 * haversine formula: hav(d/R) = hav(Δφ) + cos φ₁ cos φ₂ hav(Δλ), each term at least its value
 * with the smallest latitude gap, the smallest longitude gap (across the antimeridian too) and
 * the smallest cosine of the box's latitudes. Never more than the true distance, so bins can be
 * skipped and ordered by it safely.
 */
export function boxLowerBoundMeters(lat: number, lon: number, box: LatLonBox): number {
  const dLat = lat < box.south ? box.south - lat : lat > box.north ? lat - box.north : 0;
  const gap = (a: number, b: number): number => Math.abs(((((a - b) % 360) + 540) % 360) - 180);
  const dLon =
    lon >= box.west && lon <= box.east ? 0 : Math.min(gap(lon, box.west), gap(lon, box.east));
  const cosBox = Math.max(0, Math.min(Math.cos(box.south * RAD), Math.cos(box.north * RAD)));
  const h = hav(dLat * RAD) + Math.max(0, Math.cos(lat * RAD)) * cosBox * hav(dLon * RAD);
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}
