import { describe, expect, it } from "vitest";
import { Ledger } from "../../../faults/accounting.js";
import { judge } from "../../../faults/report.js";

describe("the fault ledger", () => {
  const ledger = new Ledger();
  ledger.record("baseline", "a", false);
  ledger.record("baseline", "b", true);
  ledger.record("kill", "c", true);
  ledger.record("kill", "d", false);

  it("counts lost events, duplicate rows, missed anomalies and duplicate alerts per phase", () => {
    const stored = new Map([
      [
        8,
        new Map([
          ["a", 1],
          ["b", 1],
          ["c", 2],
        ]),
      ],
      [
        7,
        new Map([
          ["a", 1],
          ["b", 1],
          ["c", 1],
          ["d", 1],
        ]),
      ],
    ]);
    const alerts = new Map([
      ["b", 2],
      ["d", 1],
    ]);
    const counts = ledger.count(stored, alerts);
    expect(counts.get("baseline")).toMatchObject({
      produced: 2,
      anomalies: 1,
      lost: 0,
      duplicateRows: 0,
      missedAnomalies: 0,
      duplicateAlerts: 1,
    });
    expect(counts.get("kill")).toMatchObject({
      produced: 2,
      lost: 1,
      missingRows: 1,
      duplicateRows: 1,
      missedAnomalies: 1,
      unexpectedAlerts: 1,
      examples: ["missed c", "lost d"],
    });
  });

  it("passes a phase only with nothing lost or missed, no crash, caught up, and progress under RF=3", () => {
    const clean = {
      name: "x",
      title: "x",
      detail: "",
      replicated: true,
      produced: 10,
      anomalies: 1,
      lost: 0,
      missingRows: 0,
      duplicateRows: 0,
      missedAnomalies: 0,
      duplicateAlerts: 3,
      unexpectedAlerts: 0,
      examples: [],
      missedIds: [],
      lostIds: [],
      missed: [],
      advanceAfterFaultSeconds: 1,
      advanceAfterRestoreSeconds: 1,
      longestPartitionPauseSeconds: 30,
      longestGroupStallSeconds: 2,
      peakBacklog: 5,
      caughtUpSeconds: 3,
      crashes: 0,
    };
    expect(judge(clean)).toEqual([]);
    expect(judge({ ...clean, lost: 1, missedAnomalies: 2, crashes: 1 })).toEqual([
      "1 events lost",
      "2 anomalies never alerted",
      "1 detector crashes",
    ]);
    expect(judge({ ...clean, longestGroupStallSeconds: 25 })).toEqual([
      "progress stopped for 25.0 s with one node of three down",
    ]);
    expect(judge({ ...clean, caughtUpSeconds: null })).toEqual(["the group did not catch up"]);
  });
});
