import { describe, expect, it } from "vitest";
import type { GeoEvent } from "../../../src/domain/event.js";
import { GeoAnomalyError } from "../../../src/errors.js";
import type { Candidate } from "../../../src/domain/neighbours.js";
import type { CellRead } from "../../../src/domain/search.js";
import { Detector, type DetectorSettings } from "../../../src/pipeline/detector.js";
import type {
  CheckTrace,
  EventStore,
  PipelineMetrics,
  SearchFigures,
  StoreReadResult,
} from "../../../src/pipeline/ports.js";

const T = Date.UTC(2026, 10, 1);

const SETTINGS: DetectorSettings = {
  search: {
    k: 20,
    maxDistanceMeters: 25_000,
    maxCellsPerRead: 64,
    partitionCostRows: 15,
    maxReads: 5,
    rowsPerPartition: 500,
    levels: [
      { length: 8, horizonMs: 86_400_000 },
      { length: 6, horizonMs: 43_200_000 },
      { length: 4, horizonMs: 7_200_000 },
    ],
  },
  startRadiusMeters: 2_000,
  scorer: "robust",
  threshold: 4,
  minNeighbours: 10,
  alertKeyLength: 3,
  retry: { initialMs: 1, maxMs: 2, attempts: 3 },
};

/** A store at the port: every row it holds answers every read (the search filters by distance). */
function fakeStore(rows: Candidate[], failures: { write?: number; read?: number } = {}) {
  const calls = { writes: 0, reads: 0 };
  let writeFailures = failures.write ?? 0;
  let readFailures = failures.read ?? 0;
  const store: EventStore = {
    writesPerEvent: 3,
    write: () => {
      calls.writes++;
      return writeFailures-- > 0 ? Promise.reject(new Error("write timeout")) : Promise.resolve();
    },
    read: (r: CellRead): Promise<StoreReadResult> => {
      calls.reads++;
      if (readFailures-- > 0) return Promise.reject(new Error("read timeout"));
      return Promise.resolve({ rows, partitions: r.cells.length, statements: 1 });
    },
    ping: () => Promise.resolve(),
  };
  return { store, calls };
}

function countingMetrics() {
  const seen = { stored: 0, retried: [] as string[], searched: [] as SearchFigures[], checked: 0 };
  const metrics: PipelineMetrics = {
    consumed: () => undefined,
    stored: () => void seen.stored++,
    checked: () => void seen.checked++,
    anomaly: () => undefined,
    deadLettered: () => undefined,
    retried: (op) => void seen.retried.push(op),
    paused: () => undefined,
    writeSeconds: () => undefined,
    readSeconds: () => undefined,
    searched: (f) => void seen.searched.push(f),
    endToEndSeconds: () => undefined,
  };
  return { metrics, seen };
}

/** 30 neighbours within a few hundred metres of (48.85, 2.35), values around 20. */
const ROWS: Candidate[] = Array.from({ length: 30 }, (_, i) => ({
  id: `n${i}`,
  lat: 48.85 + Math.cos(i) * 0.002,
  lon: 2.35 + Math.sin(i) * 0.003,
  value: 20 + ((i % 5) - 2) / 4,
  timeMs: T - 1000 * (i + 1),
}));

const event = (value: number): GeoEvent => ({ id: "x", lat: 48.85, lon: 2.35, value, timeMs: T });

describe("Detector.check", () => {
  it("retries a failed write on its own: the search is not run again, the event counts as stored once", async () => {
    const { store, calls } = fakeStore(ROWS, { write: 2 });
    const { metrics, seen } = countingMetrics();
    const outcome = await new Detector(store, SETTINGS, metrics).check(event(20));
    expect(outcome.verdict.kind).toBe("scored");
    expect(calls.writes).toBe(3);
    expect(seen.stored).toBe(1);
    expect(seen.retried).toEqual(["write", "write"]);
    expect(calls.reads).toBe(outcome.search.reads);
  });

  it("retries a failed read on its own: the event is written once", async () => {
    const { store, calls } = fakeStore(ROWS, { read: 1 });
    const { metrics, seen } = countingMetrics();
    await new Detector(store, SETTINGS, metrics).check(event(20));
    expect(calls.writes).toBe(1);
    expect(seen.retried).toEqual(["read"]);
    expect(seen.stored).toBe(1);
  });

  it("does not retry a read that cannot succeed (a dropped table): it fails at once for a pause", async () => {
    const { store, calls } = fakeStore(ROWS);
    const missing = new GeoAnomalyError("STORE_READ_FAILED", "table events_l6 does not exist");
    const failing: EventStore = { ...store, read: () => (calls.reads++, Promise.reject(missing)) };
    const { metrics, seen } = countingMetrics();
    await expect(new Detector(failing, SETTINGS, metrics).check(event(20))).rejects.toBe(missing);
    expect(calls.reads).toBe(1);
    expect(seen.retried).toEqual([]);
  });

  it("alerts with where the neighbours were, and reports the search's cost", async () => {
    const { store } = fakeStore(ROWS);
    const { metrics, seen } = countingMetrics();
    const outcome = await new Detector(store, SETTINGS, metrics, undefined, () => T + 5).check(
      event(40),
    );
    expect(outcome.alert).toMatchObject({
      schemaVersion: 2,
      direction: "high",
      neighbours: { count: 20 },
      search: { maxDistanceMeters: 25_000, outcome: "complete" },
      region: "u09",
    });
    const a = outcome.alert!;
    expect(SETTINGS.search.levels.map((l) => l.length)).toContain(a.search.geohashLength);
    expect(a.neighbours.maxDistanceMeters).toBeGreaterThanOrEqual(
      a.neighbours.medianDistanceMeters,
    );
    expect(a.neighbours.maxDistanceMeters).toBeLessThan(500);
    expect(seen.searched[0]).toMatchObject({ statements: a.search.reads, rows: a.search.rowsRead });
  });

  it("never alerts on too few neighbours within the bound", async () => {
    const { store } = fakeStore(ROWS.slice(0, 5));
    const outcome = await new Detector(store, SETTINGS, countingMetrics().metrics).check(
      event(1e6),
    );
    expect(outcome.verdict).toMatchObject({ kind: "insufficient", reason: "sparse" });
    expect(outcome.alert).toBeUndefined();
  });

  it("hands the tracer what the search really used", async () => {
    const { store } = fakeStore(ROWS);
    const traces: CheckTrace[] = [];
    const detector = new Detector(store, SETTINGS, countingMetrics().metrics, {
      record: (build) => traces.push(build()),
    });
    const outcome = await detector.check(event(20));
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({
      eventId: "x",
      neighbourIds: outcome.search.neighbours.map((n) => n.id),
      maxDistanceMeters: 25_000,
      windowToMs: T,
      verdict: "scored",
      reason: null,
    });
  });
});
