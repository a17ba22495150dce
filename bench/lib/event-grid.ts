/**
 * A lat/lon bin index of the bench's event log, so brute-force references ("every event within
 * d metres of here, in this time window") stay exact but cost far less than a scan of all events
 * per query: ~50k events times a few thousand queries. Bins are equal in degrees; a query visits
 * the bins of the circle's exact bounding box (wrapping across the antimeridian, all longitudes
 * when the circle holds a pole), then keeps events by great-circle distance, the product's own
 * `haversineMeters`, so the index only prunes and never decides.
 */
import { EARTH_RADIUS_METERS, haversineMeters } from "../../src/domain/geo.js";

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
   * @param binMeters bin size along a meridian; about the usual query radius is a good choice
   *   (much smaller: many empty bins visited; much larger: many events tested per query).
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

  /** Bins that may hold an event within `radiusMeters` of the point (all bins when cheaper). */
  private candidateBins(lat: number, lon: number, radiusMeters: number): Iterable<T[]> {
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
    if ((lastRow - firstRow + 1) * (last - first + 1) >= this.bins.size) return this.bins.values();
    const out: T[][] = [];
    for (let r = firstRow; r <= lastRow; r++) {
      for (let c = first; c <= last; c++) {
        const column = ((c % this.columns) + this.columns) % this.columns;
        const bin = this.bins.get(r * this.columns + column);
        if (bin !== undefined) out.push(bin);
      }
    }
    return out;
  }

  /**
   * Visits every event with fromMs <= timeMs <= toMs within `radiusMeters` (great circle,
   * inclusive) of the point, with its distance; `visit` returns true to stop early.
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
    for (const bin of this.candidateBins(lat, lon, radiusMeters)) {
      for (let i = firstAtOrAfter(bin, fromMs); i < bin.length; i++) {
        const e = bin[i];
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
}
