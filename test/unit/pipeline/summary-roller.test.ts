import { describe, expect, it } from "vitest";
import ngeohash from "ngeohash";
import {
  MINUTE_SLOT_MS,
  minuteSlot,
  regionLength,
  slotStart,
  type SummaryRow,
} from "../../../src/domain/query/summary.js";
import type { Touch } from "../../../src/domain/query/touch-ledger.js";
import type { RollProgress, SummaryRollStore } from "../../../src/pipeline/summary-ports.js";
import type { RetryOptions } from "../../../src/pipeline/retry.js";
import { SummaryRoller } from "../../../src/pipeline/summary-roller.js";
import { GeoAnomalyError } from "../../../src/errors.js";

const T = Date.UTC(2026, 10, 21, 10, 0, 30);

interface Event {
  lat: number;
  lon: number;
  timeMs: number;
  anomalous?: boolean;
}

/**
 * A store over a list of stored events: the touch log as written, recounts from the events, and
 * summary rows kept by (length, cell, slot) with their write time (the later write time wins).
 */
class FakeStore implements SummaryRollStore {
  readonly events: Event[] = [];
  readonly touches = new Map<number, Touch[]>();
  readonly rows = new Map<string, { row: SummaryRow; at: number }>();
  recounts = 0;
  saved: RollProgress | undefined;

  /** Stores `e` (unless it is a replay of a stored row) and files its touch under `minute`. */
  touch(minute: number, e: Event, touchedMs: number, replay = false): void {
    if (!replay) this.events.push(e);
    const cell = ngeohash.encode(e.lat, e.lon, 4);
    const list = (this.touches.get(minute) ?? []).filter(
      (t) => !(t.cell === cell && t.slot === minuteSlot(e.timeMs)),
    );
    list.push({ cell, slot: minuteSlot(e.timeMs), touchedMs });
    this.touches.set(minute, list);
  }
  touchesIn(minute: number) {
    return Promise.resolve(this.touches.get(minute) ?? []);
  }
  recount(slot: number, cells: readonly string[]) {
    this.recounts += cells.length;
    return Promise.resolve(
      cells.map((cell) => {
        const es = this.events.filter(
          (e) => ngeohash.encode(e.lat, e.lon, 4) === cell && minuteSlot(e.timeMs) === slot,
        );
        return {
          cell,
          slot,
          count: es.length,
          sumLat: es.reduce((s, e) => s + e.lat, 0),
          sumLon: es.reduce((s, e) => s + e.lon, 0),
          anomalies: es.filter((e) => e.anomalous === true).length,
        };
      }),
    );
  }
  readonly minuteRows = new Map<string, { row: SummaryRow; at: number }>();
  writeMinutes(rows: readonly SummaryRow[], at: number) {
    for (const row of rows) {
      expect(row.slot % MINUTE_SLOT_MS).toBe(0);
      const key = `${row.cell}/${row.slot}`;
      const old = this.minuteRows.get(key);
      if (old === undefined || old.at <= at) this.minuteRows.set(key, { row, at });
    }
    return Promise.resolve();
  }
  minutesIn(region: string, slot: number) {
    return Promise.resolve(
      [...this.minuteRows.values()]
        .map((r) => r.row)
        .filter((r) => r.cell.slice(0, regionLength(4)) === region && slotStart(r.slot) === slot),
    );
  }
  rowsIn(length: number, region: string, slot: number) {
    return Promise.resolve(
      [...this.rows.values()]
        .map((r) => r.row)
        .filter(
          (r) =>
            r.cell.length === length &&
            r.cell.slice(0, regionLength(length)) === region &&
            r.slot === slot,
        ),
    );
  }
  write(length: number, rows: readonly SummaryRow[], at: number) {
    for (const row of rows) {
      expect(row.cell).toHaveLength(length);
      const key = `${row.cell}/${row.slot}`;
      const old = this.rows.get(key);
      if (old === undefined || old.at <= at) this.rows.set(key, { row, at });
    }
    return Promise.resolve();
  }
  progress() {
    return Promise.resolve(this.saved);
  }
  saveProgress(p: RollProgress) {
    this.saved = p;
    return Promise.resolve();
  }
  count(cell: string): number {
    return [...this.rows.values()]
      .filter((r) => r.row.cell === cell)
      .reduce((s, r) => s + r.row.count, 0);
  }
}

function roller(store: FakeStore, clock: { now: number }, retry?: RetryOptions) {
  const asOf: number[] = [];
  const r = new SummaryRoller(store, {
    sourceLength: 4,
    intervalMs: 1000,
    ...(retry === undefined ? {} : { retry }),
    now: () => clock.now,
    metrics: {
      rolled: () => undefined,
      asOf: (ms) => asOf.push(ms),
      failed: () => undefined,
      marked: () => undefined,
    },
    logger: { warn: () => undefined, debug: () => undefined },
  });
  return { r, asOf };
}

const MINUTE = Math.floor(T / 60_000) * 60_000;

describe("summary roller", () => {
  it("recounts touched pairs and their parents at every length, and replays change nothing", async () => {
    const store = new FakeStore();
    const clock = { now: T };
    const { r, asOf } = roller(store, clock);
    store.touch(MINUTE, { lat: 48.85, lon: 2.35, timeMs: T - 1000 }, T);
    store.touch(MINUTE, { lat: 48.86, lon: 2.36, timeMs: T - 900, anomalous: true }, T);
    store.touch(MINUTE, { lat: 52.5, lon: 13.4, timeMs: T - 800 }, T);
    // The next minute of the same 5-minute slot: a minute row of its own, summed into the slot.
    store.touch(MINUTE, { lat: 48.851, lon: 2.351, timeMs: T + 40_000 }, T);
    clock.now = T + 1000;
    await r.round();
    const paris4 = ngeohash.encode(48.85, 2.35, 4);
    expect(store.minuteRows.size).toBe(3);
    expect(store.count(paris4)).toBe(3);
    expect(store.count(paris4.slice(0, 3))).toBe(3);
    expect(store.count(paris4.slice(0, 2))).toBe(3);
    expect(store.count(ngeohash.encode(52.5, 13.4, 2))).toBe(1);
    expect([...store.rows.values()].find((x) => x.row.cell === paris4)?.row.anomalies).toBe(1);
    expect(asOf).toEqual([T + 1000]);

    // A replay: the same event stored again (same row) and touched again; the count stays.
    const recounts = store.recounts;
    store.touch(MINUTE, { lat: 48.85, lon: 2.35, timeMs: T - 1000 }, T + 1500, true);
    clock.now = T + 2000;
    await r.round();
    expect(store.recounts).toBe(recounts + 1);
    expect(store.count(paris4)).toBe(3);

    // Nothing touched since: a round recounts nothing.
    clock.now = T + 3000;
    await r.round();
    expect(store.recounts).toBe(recounts + 1);
  });

  it("retries a summary write the store times out, instead of failing the round", async () => {
    /** Times out the first `failures` summary writes, as a loaded node does. */
    class TimingOutStore extends FakeStore {
      constructor(private failures: number) {
        super();
      }
      override write(length: number, rows: readonly SummaryRow[], at: number) {
        if (this.failures > 0) {
          this.failures -= 1;
          return Promise.reject(
            new GeoAnomalyError("STORE_WRITE_FAILED", "Cassandra write failed: Server timeout", {
              retriable: true,
            }),
          );
        }
        return super.write(length, rows, at);
      }
    }
    const event = { lat: 48.85, lon: 2.35, timeMs: T - 1000 };
    const retry: RetryOptions = { initialMs: 1, maxMs: 2, attempts: 3 };
    const once = new TimingOutStore(1);
    once.touch(MINUTE, event, T);
    await roller(once, { now: T + 1000 }, retry).r.round();
    expect(once.count(ngeohash.encode(48.85, 2.35, 4))).toBe(1);
    expect(once.saved?.asOfMs).toBe(T + 1000);

    const without = new TimingOutStore(1);
    without.touch(MINUTE, event, T);
    await expect(roller(without, { now: T + 1000 }).r.round()).rejects.toThrow("Server timeout");
    expect(without.saved).toBeUndefined();
  });

  it("resumes from the shared checkpoint, so touches of a stopped roller are rolled by the next", async () => {
    const store = new FakeStore();
    const clock = { now: T };
    const first = roller(store, clock).r;
    await first.round();
    expect(store.saved?.throughMinute).toBeLessThanOrEqual(MINUTE);
    // Touched after the first roller's last round; it stops before rolling them.
    store.touch(MINUTE, { lat: -33.86, lon: 151.2, timeMs: T }, T + 10);
    clock.now = T + 10 * 60_000;
    const second = roller(store, clock).r;
    await second.round();
    expect(store.count(ngeohash.encode(-33.86, 151.2, 4))).toBe(1);
    expect(store.saved?.throughMinute).toBeGreaterThan(MINUTE);
  });
});
