import { describe, expect, it } from "vitest";
import type { GeoEvent } from "../../../src/domain/detect/event.js";
import { nearestK } from "../../../src/domain/detect/neighbours.js";
import { encode } from "../../../src/domain/geo/geo.js";
import { BatchSearcher, type StatementRunner } from "../../../src/pipeline/batch-search.js";
import { MemoryStore } from "../../support/memory-store.js";
import { TEST_LAYOUT, testSearchPolicy } from "../../support/search-fixture.js";

const T = Date.UTC(2026, 10, 1);
const LAYOUT = TEST_LAYOUT;
const POLICY = testSearchPolicy(10);

const direct: StatementRunner = (statement) => statement();

/** `count` events around (lat, lon) within a few hundred metres, one second apart from `startMs`. */
function around(
  prefix: string,
  lat: number,
  lon: number,
  count: number,
  startMs: number,
): GeoEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    lat: lat + Math.cos(i * 1.7) * 0.002,
    lon: lon + Math.sin(i * 1.3) * 0.003,
    value: 20 + (i % 5),
    timeMs: startMs + i * 1000,
  }));
}

function searcher(store: MemoryStore): BatchSearcher {
  return new BatchSearcher(
    store,
    { policy: POLICY, partitionsPerStatement: 64, now: () => T, onReadSeconds: () => undefined },
    2_000,
  );
}

const hashesOf = (events: readonly GeoEvent[]): string[] =>
  events.map((e) => encode(e.lat, e.lon, 12));

describe("the batch searcher", () => {
  const history = around("h", 48.85, 2.35, 30, T - 600_000);

  it("finds each event's k nearest among the stored events and the batch's earlier ones only", async () => {
    const store = new MemoryStore(LAYOUT);
    store.seed(history);
    const batch = around("b", 48.8505, 2.3502, 12, T);
    const { results } = await searcher(store).search(batch, hashesOf(batch), direct);

    expect(results).toHaveLength(batch.length);
    results.forEach((result, i) => {
      const self = batch[i];
      if (self === undefined) throw new Error("no event");
      expect(result.outcome).toBe("complete");
      const visible = [...history, ...batch.slice(0, i)];
      const expected = nearestK(self, visible, POLICY.k, {
        maxDistanceMeters: POLICY.maxDistanceMeters,
        fromMs: result.windowFromMs,
      });
      expect(result.neighbours.map((n) => n.id)).toEqual(expected.map((n) => n.id));
      const later = new Set(batch.slice(i).map((e) => e.id));
      expect(result.neighbours.some((n) => later.has(n.id))).toBe(false);
    });
  });

  it("reads a place's partitions for the whole batch, not once per event", async () => {
    const one = new MemoryStore(LAYOUT);
    one.seed(history);
    const single = around("s", 48.8505, 2.3502, 1, T);
    const alone = await searcher(one).search(single, hashesOf(single), direct);

    const many = new MemoryStore(LAYOUT);
    many.seed(history);
    const batch = around("b", 48.8505, 2.3502, 40, T);
    const together = await searcher(many).search(batch, hashesOf(batch), direct);

    expect(alone.figures.statements).toBeGreaterThan(0);
    expect(together.figures.statements).toBe(alone.figures.statements);
    expect(together.figures.partitions).toBe(alone.figures.partitions);
  });

  it("reports the statements, rows and partitions it read, as the store saw them", async () => {
    const store = new MemoryStore(LAYOUT);
    store.seed(history);
    const batch = around("b", 48.8505, 2.3502, 5, T);
    const { figures } = await searcher(store).search(batch, hashesOf(batch), direct);

    expect(figures.statements).toBe(store.calls.reads.length);
    expect(figures.partitions).toBe(
      store.calls.reads.reduce((n, r) => n + r.cells.length * r.buckets.length, 0),
    );
    expect(figures.rows).toBeGreaterThanOrEqual(history.length);
    expect(figures.startedAtMs).toBe(T);
  });

  it("runs every statement through the caller's runner (its retries and limits apply)", async () => {
    const store = new MemoryStore(LAYOUT);
    store.seed(history);
    let ran = 0;
    const counting: StatementRunner = (statement) => {
      ran++;
      return statement();
    };
    const batch = around("b", 48.8505, 2.3502, 3, T);
    const { figures } = await searcher(store).search(batch, hashesOf(batch), counting);
    expect(ran).toBe(figures.statements);
  });

  it("reads nothing and stamps no start when the batch is empty", async () => {
    const store = new MemoryStore(LAYOUT);
    const { results, figures } = await searcher(store).search([], [], direct);
    expect(results).toEqual([]);
    expect(figures).toEqual({ statements: 0, rows: 0, partitions: 0, startedAtMs: undefined });
  });

  it("starts a place's next batch from what its last one found (a smaller circle, fewer rows)", async () => {
    const store = new MemoryStore(LAYOUT);
    store.seed(around("h", 48.85, 2.35, 200, T - 600_000));
    const s = searcher(store);
    const first = around("a", 48.8505, 2.3502, 1, T);
    const second = around("c", 48.8505, 2.3502, 1, T + 1000);
    const a = await s.search(first, hashesOf(first), direct);
    const b = await s.search(second, hashesOf(second), direct);
    expect(b.results[0]?.outcome).toBe("complete");
    expect(b.figures.rows).toBeLessThan(a.figures.rows);
  });
});
