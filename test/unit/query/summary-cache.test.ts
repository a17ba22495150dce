import { describe, expect, it } from "vitest";
import type { SummaryRead, SummaryRow } from "../../../src/domain/query/summary.js";
import { RequestBudget } from "../../../src/query/budget.js";
import type { ReadBudget, SummaryReader } from "../../../src/query/ports.js";
import { CachedSummaryReader, MAX_STALE_MS } from "../../../src/query/summary-cache.js";

const READ: SummaryRead = {
  length: 3,
  fromSlot: 0,
  toSlot: 11,
  partitions: { regions: ["6", "d"], buckets: [0] },
};
const row = (cell: string): SummaryRow => ({
  cell,
  slot: 0,
  count: 2,
  sumLat: 0,
  sumLon: 0,
  anomalies: 0,
});

/** A store whose round and rows the test sets, counting the reads it serves. */
function fakeStore(initialAsOf: number | undefined) {
  const state = {
    asOf: initialAsOf,
    rows: [row("6aa")],
    rowReads: 0,
    asOfReads: 0,
    failAsOf: false,
    failRows: false,
  };
  const store: SummaryReader = {
    read: (_read: SummaryRead, budget: ReadBudget) => {
      state.rowReads += 1;
      if (state.failRows) return Promise.reject(new Error("read timeout"));
      budget.spend(state.rows.length);
      return Promise.resolve({ rows: [...state.rows], asOf: state.asOf });
    },
    asOf: () => {
      state.asOfReads += 1;
      return state.failAsOf
        ? Promise.reject(new Error("read timeout"))
        : Promise.resolve(state.asOf);
    },
  };
  return { store, state };
}

const budget = (maxRows = 1000) => new RequestBudget({ maxRows, timeoutMs: 10_000 }, undefined);

function cached(store: SummaryReader, clock: { now: number }, asOfReuseMs = 1000) {
  return new CachedSummaryReader(store, {
    asOfReuseMs,
    maxRows: 10_000,
    backgroundBudget: () => budget(),
    now: () => clock.now,
  });
}

/** A cache holding the rows of round 5000, over a store whose round has moved on to 10,000. */
async function keptThenNewRound() {
  const { store, state } = fakeStore(5000);
  const clock = { now: 0 };
  const reader = cached(store, clock);
  await reader.read(READ, budget());
  state.asOf = 10_000;
  return { state, clock, reader };
}

describe("the cluster summary read through its cache", () => {
  it("reads the rows once per round and charges every request's budget for them", async () => {
    const { store, state } = fakeStore(5000);
    const reader = cached(store, { now: 0 });
    const first = budget();
    const second = budget();
    expect(await reader.read(READ, first)).toEqual({ rows: [row("6aa")], asOf: 5000 });
    expect(await reader.read(READ, second)).toEqual({ rows: [row("6aa")], asOf: 5000 });
    expect(state.rowReads).toBe(1);
    expect(state.asOfReads).toBe(1);
    expect(first.rowsRead).toBe(1);
    expect(second.rowsRead).toBe(1);
    // Another read (another slot range) is its own entry.
    await reader.read({ ...READ, toSlot: 12 }, budget());
    expect(state.rowReads).toBe(2);
  });

  it("answers from the older round, naming it, while one background read fetches the newer", async () => {
    const { state, clock, reader } = await keptThenNewRound();
    state.rows = [row("6aa"), row("6ab")];
    // Within the reuse time the round is still the one read at 0.
    clock.now = 999;
    expect(await reader.read(READ, budget())).toEqual({ rows: [row("6aa")], asOf: 5000 });
    expect(state.rowReads).toBe(1);
    // Once the newer round is seen, the older rows answer (as of 5000) while it is fetched once.
    clock.now = 1000;
    const during = await Promise.all([reader.read(READ, budget()), reader.read(READ, budget())]);
    expect(during.map((a) => a.asOf)).toEqual([5000, 5000]);
    await reader.settled();
    expect(state.rowReads).toBe(2);
    expect(await reader.read(READ, budget())).toEqual({
      rows: [row("6aa"), row("6ab")],
      asOf: 10_000,
    });
    expect(state.rowReads).toBe(2);
  });

  it("drops the kept rows when their refresh fails, so the next request reads the store", async () => {
    const { state, clock, reader } = await keptThenNewRound();
    state.failRows = true;
    clock.now = 1000;
    expect((await reader.read(READ, budget())).asOf).toBe(5000);
    await reader.settled();
    await expect(reader.read(READ, budget())).rejects.toThrow("read timeout");
    state.failRows = false;
    expect((await reader.read(READ, budget())).asOf).toBe(10_000);
  });

  it("reads again before answering when the kept rows are more than a minute older than the newest round", async () => {
    const { state, clock, reader } = await keptThenNewRound();
    state.asOf = 5000 + MAX_STALE_MS + 1;
    clock.now = 1000;
    expect((await reader.read(READ, budget())).asOf).toBe(5000 + MAX_STALE_MS + 1);
    expect(state.rowReads).toBe(2);
  });

  it("keeps nothing before the rollers' first complete round", async () => {
    const { store, state } = fakeStore(undefined);
    const reader = cached(store, { now: 0 });
    await reader.read(READ, budget());
    await reader.read(READ, budget());
    expect(state.rowReads).toBe(2);
  });

  it("reads the store for every request when turned off (API_SUMMARY_CACHE_MS=0)", async () => {
    const { store, state } = fakeStore(5000);
    const reader = cached(store, { now: 0 }, 0);
    await reader.read(READ, budget());
    await reader.read(READ, budget());
    await reader.asOf();
    expect(state.rowReads).toBe(2);
    expect(state.asOfReads).toBe(1);
  });

  it("refuses kept rows that exceed the request's budget, as the store's read would", async () => {
    const { store } = fakeStore(5000);
    const reader = cached(store, { now: 0 });
    await reader.read(READ, budget());
    await expect(reader.read(READ, budget(0))).rejects.toMatchObject({ code: "QUERY_TOO_LARGE" });
  });

  it("does not reuse a failed as-of read", async () => {
    const { store, state } = fakeStore(5000);
    const reader = cached(store, { now: 0 });
    state.failAsOf = true;
    await expect(reader.asOf()).rejects.toThrow("read timeout");
    state.failAsOf = false;
    expect(await reader.asOf()).toBe(5000);
    expect(state.asOfReads).toBe(2);
  });
});
