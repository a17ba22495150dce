import { describe, expect, it } from "vitest";
import { lagOf } from "../../../bench/lib/consumer-lag.js";
import { eventIdOf } from "../../../bench/lib/input-positions.js";

describe("lagOf", () => {
  it("sums end offsets minus committed offsets over partitions", () => {
    const ends = [
      { partition: 0, high: "1000", low: "0" },
      { partition: 1, high: "500", low: "0" },
    ];
    const committed = [
      { partition: 0, offset: "900" },
      { partition: 1, offset: "500" },
    ];
    expect(lagOf(ends, committed)).toBe(100);
  });

  it("counts a partition with nothing committed from its first offset", () => {
    const ends = [
      { partition: 0, high: "300", low: "100" },
      { partition: 1, high: "50", low: "0" },
    ];
    expect(lagOf(ends, [{ partition: 0, offset: "-1" }])).toBe(250);
  });

  it("never goes negative when a commit is seen before the end offset moves", () => {
    expect(lagOf([{ partition: 0, high: "10", low: "0" }], [{ partition: 0, offset: "12" }])).toBe(
      0,
    );
  });
});

describe("eventIdOf", () => {
  it("reads the id of an event record and nothing else", () => {
    expect(eventIdOf(Buffer.from('{"id":"r1-000000000007","lat":1}'))).toBe("r1-000000000007");
    expect(eventIdOf(Buffer.from('{"id":7}'))).toBeNull();
    expect(eventIdOf(Buffer.from("not json"))).toBeNull();
    expect(eventIdOf(null)).toBeNull();
  });
});
