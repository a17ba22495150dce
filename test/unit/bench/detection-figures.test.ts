import { describe, expect, it } from "vitest";
import {
  distributionDetection,
  localNeighbourhoods,
} from "../../../bench/lib/detection-figures.js";
import type { GridEvent } from "../../../bench/lib/event-grid.js";
import { haversineMeters } from "../../../src/domain/geo/geo.js";
import { createRng } from "../../../src/synthetic/index.js";

/** The naive reference: for each event, every other event tested. */
function naiveLocal(
  events: readonly GridEvent[],
  maxDistanceMeters: number,
  minNeighbours: number,
  windowMs = Infinity,
): string[] {
  return events
    .filter(
      (e) =>
        events.filter(
          (n) =>
            n.id !== e.id &&
            n.timeMs <= e.timeMs &&
            n.timeMs >= e.timeMs - windowMs &&
            haversineMeters(e.lat, e.lon, n.lat, n.lon) <= maxDistanceMeters,
        ).length >= minNeighbours,
    )
    .map((e) => e.id)
    .sort();
}

function clumped(n: number, seed: number): GridEvent[] {
  const rng = createRng(seed);
  const towns: [number, number][] = [
    [48.85, 2.35],
    [0, 179.99],
    [0, -179.99],
    [-33.9, 151.2],
    [89.9, 0],
  ];
  return Array.from({ length: n }, (_, i) => {
    const isolated = rng.next() < 0.1;
    const [lat, lon] = isolated ? [rng.uniform(-80, 80), rng.uniform(-180, 180)] : rng.pick(towns);
    const spread = isolated ? 0 : rng.pick([0.005, 0.05]);
    return {
      id: `e${i}`,
      lat: Math.max(-90, Math.min(90, lat + rng.normal(0, spread))),
      lon: Math.max(-180, Math.min(180, lon + rng.normal(0, spread))),
      timeMs: rng.int(10_000),
    };
  });
}

describe("localNeighbourhoods", () => {
  it("decides exactly as a naive brute force, with and without a window", () => {
    const events = clumped(1500, 9);
    for (const [d, min, window] of [
      [2_000, 10, undefined],
      [500, 3, undefined],
      [20_000, 25, 2_000],
      [0, 1, undefined],
    ] as const) {
      const rule = {
        maxDistanceMeters: d,
        minNeighbours: min,
        ...(window ? { windowMs: window } : {}),
      };
      expect([...localNeighbourhoods(events, rule)].sort()).toEqual(
        naiveLocal(events, d, min, window),
      );
    }
  }, 30_000); // quadratic reference over 1,500 events: slow on a loaded machine

  it("decides only the events asked about, with every event as a possible neighbour", () => {
    const events: GridEvent[] = [
      { id: "a", lat: 0, lon: 0, timeMs: 1 },
      { id: "b", lat: 0, lon: 0.00001, timeMs: 2 },
      { id: "c", lat: 0, lon: 0.00002, timeMs: 3 },
    ];
    const rule = { maxDistanceMeters: 10, minNeighbours: 2 };
    expect([...localNeighbourhoods(events, rule, ["c"])]).toEqual(["c"]);
    expect([...localNeighbourhoods(events, rule, ["a", "b"])]).toEqual([]);
    expect([...localNeighbourhoods(events, { ...rule, minNeighbours: 0 }, ["a"])]).toEqual(["a"]);
    expect(() => localNeighbourhoods(events, { ...rule, maxDistanceMeters: -1 })).toThrow(
      RangeError,
    );
  });
});

describe("distributionDetection", () => {
  const truths = [
    ...Array.from({ length: 96 }, (_, i) => ({ id: `n${i}`, magnitude: 0 })),
    { id: "a3", magnitude: 3 },
    { id: "a5", magnitude: 5 },
    { id: "b5", magnitude: 5 },
    { id: "a8", magnitude: 8 },
  ];
  const local = new Set([...truths.map((t) => t.id)].filter((id) => id !== "b5"));

  it("reports coverage, reasons, false alarms, precision and local strong recall", () => {
    const d = distributionDetection({
      truths,
      alertedIds: new Set(["n1", "a5", "a8", "warm-1"]),
      counters: {
        scored: 80,
        insufficient: 20,
        insufficientByReason: { no_history: 12, sparse: 5 },
      },
      local,
    });
    expect(d.checked).toBe(100);
    expect(d.coverage).toBe(0.8);
    expect(d.insufficient.byReason).toEqual({
      no_history: { count: 12, share: 0.12 },
      sparse: { count: 5, share: 0.05 },
    });
    expect(d.insufficient.unattributed).toBe(3);
    expect(d.normalEvents).toBe(96);
    expect(d.falsePositives).toBe(1);
    expect(d.falseAlarmRate).toBeCloseTo(1 / 96, 12);
    expect(d.precision).toBeCloseTo(2 / 3, 12);
    // b5 (missed) had no neighbourhood: the target recall leaves it out.
    expect(d.strongRecallLocal).toEqual({ anomalies: 2, detected: 2, recall: 1 });
    expect(d.strongRecallAll).toEqual({ anomalies: 3, detected: 2, recall: 2 / 3 });
    expect(d.byMagnitude["5"]).toEqual({
      anomalies: 2,
      detected: 1,
      recall: 0.5,
      local: { anomalies: 1, detected: 1, recall: 1 },
    });
    expect(d.byMagnitude["3"]?.recall).toBe(0);
    expect(d.localShare).toBeCloseTo(99 / 100, 12);
    // 80 scored checks less the 3 anomalies with a neighbourhood: 77 scored normal events.
    expect(d.scoredNormalEvents).toBe(77);
    expect(d.falseAlarmRatePerScored).toBeCloseTo(1 / 77, 12);
    // Standard F1 of precision 2/3 and recall over all >= 5 sigma 2/3.
    expect(d.f1).toBeCloseTo(2 / 3, 12);
    expect(d.f1Of).toMatch(/recallAll/);
  });

  it("counts scored anomalies as at least those alerted, at most all of them", () => {
    const alerted = new Set(["n1", "n2", "a5", "a8"]);
    const counters = { scored: 10, insufficient: 90, insufficientByReason: {} };
    const none = distributionDetection({ truths, alertedIds: alerted, counters, local: new Set() });
    expect(none.scoredNormalEvents).toBe(8); // 10 scored - 2 alerted anomalies
    const every = distributionDetection({ truths, alertedIds: alerted, counters, local });
    expect(every.scoredNormalEvents).toBe(7); // 10 - 3 anomalies with a neighbourhood
    // Never fewer scored normal events than false alarms.
    const few = distributionDetection({
      truths,
      alertedIds: alerted,
      counters: { ...counters, scored: 2 },
      local,
    });
    expect(few.scoredNormalEvents).toBe(2);
    expect(few.falseAlarmRatePerScored).toBe(1);
  });

  it("has no recall without anomalies, and no precision without alerts", () => {
    const normals = truths.filter((t) => t.magnitude === 0);
    const d = distributionDetection({
      truths: normals,
      alertedIds: new Set(),
      counters: { scored: 96, insufficient: 0, insufficientByReason: {} },
      local,
    });
    expect(d.strongRecallLocal.recall).toBeNull();
    expect(d.precision).toBeNull();
    expect(d.falseAlarmRate).toBe(0);
    expect(d.byMagnitude).toEqual({});
  });

  it("shows zero coverage when every check was insufficient", () => {
    const d = distributionDetection({
      truths,
      alertedIds: new Set(),
      counters: { scored: 0, insufficient: 100, insufficientByReason: {} },
      local: new Set(),
    });
    expect(d.coverage).toBe(0);
    expect(d.insufficient.unattributed).toBe(100);
    expect(d.strongRecallLocal).toEqual({ anomalies: 0, detected: 0, recall: null });
    expect(d.strongRecallAll.recall).toBe(0);
    expect(d.localShare).toBe(0);
  });

  it("has no coverage when nothing was checked", () => {
    const d = distributionDetection({
      truths: [],
      alertedIds: new Set(),
      counters: { scored: 0, insufficient: 0, insufficientByReason: {} },
      local: new Set(),
    });
    expect(d.coverage).toBeNull();
    expect(d.falseAlarmRate).toBeNull();
    expect(d.localShare).toBeNull();
  });
});
