import { describe, expect, it } from "vitest";
import {
  decideUndecodable,
  segmentMessages,
  type BatchHeader,
} from "../../../src/kafka/batch-recovery.js";

const header: BatchHeader = { magic: 2, attributes: 2, lastOffsetDelta: 9, recordCount: 10 };
const error = new Error("Invalid Snappy bitstream");

describe("decideUndecodable", () => {
  it("answers a located batch with one placeholder per record", () => {
    expect(decideUndecodable(error, header, 2, "snappy")).toEqual({
      action: "placeholders",
      count: 10,
      lastOffsetDelta: 9,
      detail: "snappy batch could not be decoded: Invalid Snappy bitstream (10 records)",
    });
  });

  it("keeps the batch's last offset when compaction left gaps", () => {
    const d = decideUndecodable(error, { ...header, recordCount: 3 }, 2, "snappy");
    expect(d).toMatchObject({ action: "placeholders", count: 3, lastOffsetDelta: 9 });
  });

  it.each<[string, BatchHeader | undefined, RegExp]>([
    ["no header", undefined, /offsets are unknown/],
    ["another format", { ...header, magic: 1 }, /magic 1.*does not match/],
    ["another codec", { ...header, attributes: 3 }, /attributes 3.*does not match/],
    ["no records", { ...header, recordCount: 0 }, /declares 0 records/],
    ["a negative last offset", { ...header, lastOffsetDelta: -1 }, /offset delta -1/],
    ["too many records", { ...header, recordCount: 11 }, /more than 10 placeholders/],
  ])("refuses to skip blind: %s", (_, h, why) => {
    const d = decideUndecodable(error, h, 2, "snappy", 10);
    expect(d.action).toBe("fail");
    expect(d.detail).toMatch(/^snappy batch could not be decoded: Invalid Snappy bitstream; /);
    expect(d.detail).toMatch(why);
  });
});

describe("segmentMessages", () => {
  const A = { batch: "A" };
  const B = { batch: "B" };
  const m = (offset: number, mark?: object) => ({ offset: String(offset), mark });
  const lookup = (x: { mark?: object | undefined }) => x.mark;

  it("splits records and undecodable batches in offset order", () => {
    const msgs = [m(0), m(1), m(2, A), m(3, A), m(4, B), m(5), m(9, B)];
    expect(segmentMessages(msgs, lookup)).toEqual([
      { kind: "records", messages: [m(0), m(1)] },
      { kind: "undecodable", batch: A, firstOffset: "2", lastOffset: "3" },
      { kind: "undecodable", batch: B, firstOffset: "4", lastOffset: "4" },
      { kind: "records", messages: [m(5)] },
      { kind: "undecodable", batch: B, firstOffset: "9", lastOffset: "9" },
    ]);
  });

  it("keeps plain batches whole and empty ones empty", () => {
    expect(segmentMessages([m(0), m(1)], lookup)).toEqual([
      { kind: "records", messages: [m(0), m(1)] },
    ]);
    expect(segmentMessages([], lookup)).toEqual([]);
  });
});
