import { describe, expect, it } from "vitest";
import type { GeoEvent } from "../../../src/domain/detect/event.js";
import { nearestK } from "../../../src/domain/detect/neighbours.js";
import { GeoAnomalyError } from "../../../src/errors.js";
import { Detector, type CheckItem, type DetectorSettings } from "../../../src/pipeline/detector.js";
import type {
  CheckTrace,
  PipelineMetrics,
  SearchFigures,
  StoreWork,
} from "../../../src/pipeline/ports.js";
import { MemoryStore } from "../../support/memory-store.js";
import { TEST_LAYOUT, testSearchPolicy } from "../../support/search-fixture.js";

const T = Date.UTC(2026, 10, 1);
const LAYOUT = TEST_LAYOUT;

const SETTINGS: DetectorSettings = {
  search: testSearchPolicy(20),
  layout: LAYOUT,
  partitionsPerRead: 64,
  rowsPerWrite: 40,
  statementsInFlight: 8,
  startRadiusMeters: 2_000,
  scorer: "robust",
  threshold: 4,
  minNeighbours: 10,
  alertKeyLength: 3,
  retry: { initialMs: 1, maxMs: 2, attempts: 3 },
};

function countingMetrics() {
  const seen = {
    stored: 0,
    retried: [] as string[],
    searched: [] as SearchFigures[],
    work: [] as StoreWork[],
    batches: [] as number[],
  };
  const metrics: PipelineMetrics = {
    consumed: () => undefined,
    stored: (n) => void (seen.stored += n),
    checked: () => undefined,
    anomaly: () => undefined,
    deadLettered: () => undefined,
    retried: (op) => void seen.retried.push(op),
    paused: () => undefined,
    writeSeconds: () => undefined,
    readSeconds: () => undefined,
    searched: (f) => void seen.searched.push(f),
    storeWork: (w) => void seen.work.push(w),
    batchChecked: (size) => void seen.batches.push(size),
    endToEndSeconds: () => undefined,
  };
  return { metrics, seen };
}

/** 30 events within a few hundred metres of (48.85, 2.35), values around 20, older than T. */
const HISTORY: GeoEvent[] = Array.from({ length: 30 }, (_, i) => ({
  id: `n${i}`,
  lat: 48.85 + Math.cos(i) * 0.002,
  lon: 2.35 + Math.sin(i) * 0.003,
  value: 20 + ((i % 5) - 2) / 4,
  timeMs: T - 1000 * (i + 1),
}));

const item = (event: GeoEvent, offset = 0): CheckItem => ({
  event,
  partition: 0,
  offset: String(offset),
});
const at = (id: string, value: number, dLat = 0, timeMs = T): GeoEvent => ({
  id,
  lat: 48.85 + dLat,
  lon: 2.35,
  value,
  timeMs,
});

function detectorWith(history: readonly GeoEvent[], now = () => T + 5) {
  const store = new MemoryStore(LAYOUT);
  store.seed(history);
  const { metrics, seen } = countingMetrics();
  const traces: CheckTrace[] = [];
  const detector = new Detector(
    store,
    SETTINGS,
    metrics,
    { record: (build) => traces.push(build()) },
    now,
  );
  return { store, detector, seen, traces };
}

describe("Detector.checkBatch", () => {
  it("retries a failed write statement on its own: nothing is searched again, each event counts as stored once", async () => {
    const { store, detector, seen } = detectorWith(HISTORY);
    store.failWrites.push(new Error("write timeout"), new Error("write timeout"));
    const [outcome] = await detector.checkBatch([item(at("x", 20))]);
    expect(outcome?.kind === "checked" && outcome.verdict.kind).toBe("scored");
    expect(store.calls.writes).toHaveLength(LAYOUT.length + 2);
    expect(seen.stored).toBe(1);
    expect(seen.retried).toEqual(["write", "write"]);
    expect(store.calls.reads).toHaveLength(seen.work[0]?.readStatements ?? -1);
  });

  it("retries a failed read statement on its own: the events are written once", async () => {
    const { store, detector, seen } = detectorWith(HISTORY);
    store.failReads.push(new Error("read timeout"));
    await detector.checkBatch([item(at("x", 20))]);
    expect(store.calls.writes).toHaveLength(LAYOUT.length);
    expect(seen.retried).toEqual(["read"]);
  });

  it("does not retry a read that cannot succeed (a dropped table): the batch fails at once for a pause", async () => {
    const { store, detector, seen } = detectorWith(HISTORY);
    const missing = new GeoAnomalyError("STORE_READ_FAILED", "table events_l6 does not exist");
    store.failReads.push(missing);
    await expect(detector.checkBatch([item(at("x", 20))])).rejects.toBe(missing);
    expect(seen.retried).toEqual([]);
  });

  it("alerts with where the neighbours were, and reports the search's cost", async () => {
    const { detector, seen } = detectorWith(HISTORY);
    const [outcome] = await detector.checkBatch([item(at("x", 40))]);
    if (outcome?.kind !== "checked") throw new Error("not checked");
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
    expect(seen.searched[0]).toMatchObject({ rows: a.search.rowsRead });
  });

  it("never alerts on too few neighbours within the bound", async () => {
    const { detector } = detectorWith(HISTORY.slice(0, 5));
    const [outcome] = await detector.checkBatch([item(at("x", 1e6))]);
    expect(outcome?.kind === "checked" && outcome.verdict).toMatchObject({
      kind: "insufficient",
      reason: "sparse",
    });
    expect(outcome?.kind === "checked" && outcome.alert).toBeUndefined();
  });

  it("hands the tracer what the search really used, with the record's partition and offset", async () => {
    const { detector, traces } = detectorWith(HISTORY);
    const [outcome] = await detector.checkBatch([
      { event: at("x", 20), partition: 3, offset: "77" },
    ]);
    if (outcome?.kind !== "checked") throw new Error("not checked");
    expect(traces).toHaveLength(1);
    expect(traces[0]).toMatchObject({
      eventId: "x",
      partition: 3,
      offset: "77",
      neighbourIds: outcome.search.neighbours.map((n) => n.id),
      maxDistanceMeters: 25_000,
      windowToMs: T,
      verdict: "scored",
      reason: null,
    });
  });

  it("lets an event see the batch's earlier events and never its later ones", async () => {
    const { detector } = detectorWith(HISTORY);
    // b's nearest is a (earlier in the batch); a's nearest would be b (later), which it must not see.
    const a = at("a", 20, 0.00001, T - 10);
    const b = at("b", 20, 0.00002, T - 5);
    const outcomes = await detector.checkBatch([item(a, 0), item(b, 1)]);
    const ids = outcomes.map((o) =>
      o.kind === "checked" ? o.search.neighbours.map((n) => n.id) : [],
    );
    expect(ids[1]?.[0]).toBe("a");
    expect(ids[0]).not.toContain("b");
    expect(ids[0]).toEqual(
      nearestK(a, HISTORY, 20, { maxDistanceMeters: 25_000 }).map((n) => n.id),
    );
  });

  it("sees the same neighbours when the batch is checked again after it was stored (a replay)", async () => {
    const { detector } = detectorWith(HISTORY);
    const batch = [0, 1, 2, 3].map((i) => item(at(`r${i}`, 20, 0.00001 * i, T - 10 + i), i));
    const first = await detector.checkBatch(batch);
    const again = await detector.checkBatch(batch);
    const ids = (o: typeof first) =>
      o.map((x) => (x.kind === "checked" ? x.search.neighbours.map((n) => n.id) : []));
    expect(ids(again)).toEqual(ids(first));
  });

  it("reads each partition once for the batch, and writes each partition's rows once, packed by replica set", async () => {
    const { store, detector, seen } = detectorWith(HISTORY);
    const batch = Array.from({ length: 40 }, (_, i) =>
      item(at(`b${i}`, 20, 0.00001 * (i % 7), T - 100 + i), i),
    );
    await detector.checkBatch(batch);
    const read = store.calls.reads.flatMap((r) =>
      r.cells.flatMap((c) => r.buckets.map((b) => `${r.length}/${c}/${b}`)),
    );
    expect(new Set(read).size).toBe(read.length);
    // Every partition written once; the fake puts each length on its own replicas, so at most
    // 40 rows of one length go per statement: 1 + 1 + 1 + (40 length-8 rows) = 4 statements.
    const partitions = store.calls.writes.map((w) => `${w.length}/${w.cell}/${w.bucket}`);
    expect(new Set(partitions).size).toBe(partitions.length);
    expect(store.calls.statements).toHaveLength(4);
    expect(store.rowsAt(4).filter((r) => r.id.startsWith("b"))).toHaveLength(40);
    expect(seen.work[0]?.writeStatements).toBe(store.calls.statements.length);
    expect(seen.work[0]?.readStatements).toBe(store.calls.reads.length);
    expect(seen.batches).toEqual([40]);
  });

  it("rejects only the event the store refuses, writing the rest of its partitions' rows", async () => {
    const { store, detector, seen } = detectorWith(HISTORY);
    store.refuse.set("bad", new GeoAnomalyError("EVENT_REJECTED", "cannot encode value"));
    const outcomes = await detector.checkBatch([
      item(at("ok1", 20, 0.00001), 0),
      item(at("bad", 20, 0.00002), 1),
      item(at("ok2", 20, 0.00003), 2),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(["checked", "rejected", "checked"]);
    expect(
      store
        .rowsAt(4)
        .map((r) => r.id)
        .filter((id) => !id.startsWith("n"))
        .sort(),
    ).toEqual(["ok1", "ok2"]);
    expect(seen.stored).toBe(2);
  });
});

describe("Detector.evaluate", () => {
  it("searches and judges a point without storing it", async () => {
    const { store, detector } = detectorWith(HISTORY);
    const { search, verdict } = await detector.evaluate(at("p", 20));
    expect(search.neighbours.map((n) => n.id)).toEqual(
      nearestK(at("p", 20), HISTORY, 20, { maxDistanceMeters: 25_000 }).map((n) => n.id),
    );
    expect(verdict.kind).toBe("scored");
    expect(store.calls.writes).toEqual([]);
  });
});
