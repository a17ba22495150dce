import { describe, expect, it } from "vitest";
import type { SummaryRead, SummaryRow } from "../../../src/domain/query/summary.js";
import { RequestBudget } from "../../../src/query/budget.js";
import type { ReadBudget, SummaryReader } from "../../../src/query/ports.js";
import { CachedSummaryReader } from "../../../src/query/summary-cache.js";

const READ: SummaryRead = { length: 3, regions: ["6", "d"], buckets: [0], fromSlot: 0, toSlot: 11 };
const row = (cell: string, count: number): SummaryRow => ({
  cell,
  slot: 0,
  count,
  sumLat: 0,
  sumLon: 0,
  anomalies: 0,
});

/** A store whose as-of time and rows the test sets, counting the reads it serves. */
function fakeStore(initialAsOf: number | undefined) {
  const state = {
    asOf: initialAsOf,
    rows: [row("6aa", 2)],
    rowReads: 0,
    asOfReads: 0,
    fail: false,
  };
  const store: SummaryReader = {
    rows: (_read: SummaryRead, budget: ReadBudget) => {
      state.rowReads += 1;
      budget.spend(state.rows.length);
      return Promise.resolve([...state.rows]);
    },
    asOf: () => {
      state.asOfReads += 1;
      return state.fail ? Promise.reject(new Error("read timeout")) : Promise.resolve(state.asOf);
    },
  };
  return { store, state };
}

const budget = (maxRows = 1000) => new RequestBudget({ maxRows, timeoutMs: 10_000 }, undefined);

function cached(store: SummaryReader, clock: { now: number }, asOfReuseMs = 1000) {
  return new CachedSummaryReader(store, { asOfReuseMs, maxRows: 10_000, now: () => clock.now });
}

describe("the cluster summary read through its cache", () => {
  it("reads the rows once per (read, as-of time) and charges every request's budget for them", async () => {
    const { store, state } = fakeStore(5000);
    const clock = { now: 0 };
    const reader = cached(store, clock);
    const first = budget();
    const second = budget();
    expect(await reader.rows(READ, first)).toEqual([row("6aa", 2)]);
    expect(await reader.rows(READ, second)).toEqual([row("6aa", 2)]);
    expect(state.rowReads).toBe(1);
    expect(state.asOfReads).toBe(1);
    expect(first.rowsRead).toBe(1);
    expect(second.rowsRead).toBe(1);
    // Another read (another slot range) is its own entry.
    await reader.rows({ ...READ, toSlot: 12 }, budget());
    expect(state.rowReads).toBe(2);
  });

  it("reads the rows again once the as-of time moves, and not before it is read again", async () => {
    const { store, state } = fakeStore(5000);
    const clock = { now: 0 };
    const reader = cached(store, clock);
    await reader.rows(READ, budget());
    state.asOf = 10_000;
    state.rows = [row("6aa", 2), row("6ab", 1)];
    clock.now = 999;
    // Still the as-of time read at 0: the rows it was exact for, and the answer says so.
    expect(await reader.asOf()).toBe(5000);
    expect(await reader.rows(READ, budget())).toHaveLength(1);
    clock.now = 1000;
    expect(await reader.asOf()).toBe(10_000);
    expect(await reader.rows(READ, budget())).toHaveLength(2);
    expect(state.rowReads).toBe(2);
    expect(state.asOfReads).toBe(2);
  });

  it("caches nothing before the rollers' first complete round", async () => {
    const { store, state } = fakeStore(undefined);
    const reader = cached(store, { now: 0 });
    await reader.rows(READ, budget());
    await reader.rows(READ, budget());
    expect(state.rowReads).toBe(2);
  });

  it("reads the store for every request when turned off (API_SUMMARY_CACHE_MS=0)", async () => {
    const { store, state } = fakeStore(5000);
    const reader = cached(store, { now: 0 }, 0);
    await reader.rows(READ, budget());
    await reader.rows(READ, budget());
    await reader.asOf();
    expect(state.rowReads).toBe(2);
    expect(state.asOfReads).toBe(1);
  });

  it("refuses cached rows that exceed the request's budget, as the store's read would", async () => {
    const { store } = fakeStore(5000);
    const reader = cached(store, { now: 0 });
    await reader.rows(READ, budget());
    await expect(reader.rows(READ, budget(0))).rejects.toMatchObject({ code: "QUERY_TOO_LARGE" });
  });

  it("does not reuse a failed as-of read", async () => {
    const { store, state } = fakeStore(5000);
    const reader = cached(store, { now: 0 });
    state.fail = true;
    await expect(reader.asOf()).rejects.toThrow("read timeout");
    state.fail = false;
    expect(await reader.asOf()).toBe(5000);
    expect(state.asOfReads).toBe(2);
  });
});
