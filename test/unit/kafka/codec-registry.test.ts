import { beforeAll, describe, expect, it } from "vitest";
import { guardedInflate, registerCodecs } from "../../../src/kafka/codec-registry.js";
import { codecById } from "../../../src/kafka/codecs.js";
import { undecodableBatchOf } from "../../../src/kafka/placeholder-records.js";
import {
  ATTRIBUTES_LOW_BYTE_AT,
  RECORDS_AT,
  corrupt,
  fetchDecode,
  recordBatch,
} from "./record-batches.js";

const values = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `{"id":"${prefix}${i}"}`);

describe("the codecs registered with kafkajs, through its fetch decoding", () => {
  beforeAll(() => registerCodecs());

  it.each([
    [1, "gzip"],
    [2, "snappy"],
    [3, "lz4"],
  ])("reads and writes codec %i (%s)", async (id) => {
    const messages = await fetchDecode([await recordBatch(40, values("x", 50), id)]);
    expect(messages.map((m) => m.value?.toString())).toEqual(values("x", 50));
    expect(messages.map((m) => m.offset)).toEqual(values("", 50).map((_, i) => String(40 + i)));
    expect(messages.every((m) => undecodableBatchOf(m) === undefined)).toBe(true);
  });

  it("turns a batch it cannot inflate into placeholders at its offsets, between good batches", async () => {
    const before = await recordBatch(0, values("a", 2));
    const bad = corrupt(await recordBatch(2, values("b", 3), 1), Buffer.from("not gzip at all"));
    const after = await recordBatch(5, values("c", 1), 2);
    const messages = await fetchDecode([before, bad, after]);
    expect(messages.map((m) => m.offset)).toEqual(["0", "1", "2", "3", "4", "5"]);
    const marks = messages.map((m) => undecodableBatchOf(m));
    expect(marks.map((u) => u !== undefined)).toEqual([false, false, true, true, true, false]);
    const batch = marks[2];
    expect(marks[3]).toBe(batch);
    expect(batch).toMatchObject({
      codec: "gzip",
      records: 3,
      compressedBytes: bad.length - RECORDS_AT,
    });
    expect(batch?.detail).toMatch(/^gzip batch could not be decoded: .*header.* \(3 records\)$/);
    expect(batch?.sample.equals(bad.subarray(RECORDS_AT))).toBe(true);
    expect(messages[5]?.value?.toString()).toBe('{"id":"c0"}');
  });

  it("skips a batch whose attributes name no codec", async () => {
    const batch = await recordBatch(7, values("d", 4), 1);
    batch[ATTRIBUTES_LOW_BYTE_AT] = 5;
    const messages = await fetchDecode([batch]);
    expect(messages.map((m) => m.offset)).toEqual(["7", "8", "9", "10"]);
    expect(undecodableBatchOf(messages[0] ?? { key: null })?.detail).toMatch(
      /^codec 5 batch could not be decoded: no codec has id 5/,
    );
  });

  it("never takes a producer's record for a placeholder", async () => {
    // A real one-byte key, like a placeholder's, decoded from the same fetch response.
    const messages = await fetchDecode([await recordBatch(0, ["v"], 0)]);
    expect(undecodableBatchOf({ key: Buffer.from([0]) })).toBeUndefined();
    expect(undecodableBatchOf(messages[0] ?? { key: null })).toBeUndefined();
  });
});

describe("guardedInflate", () => {
  it("dead-letters a batch that would inflate past the bound", async () => {
    const batch = await recordBatch(100, values("big", 200), 1);
    const inflate = guardedInflate(codecById(1), 1, 1024);
    const out = await inflate(batch.subarray(RECORDS_AT));
    expect(undecodableBatchOf({ key: out })).toMatchObject({ codec: "gzip", records: 200 });
    expect(undecodableBatchOf({ key: out })?.detail).toMatch(/over the 1024-byte bound/);
  });

  it("throws, naming why, when the batch's header cannot be found", async () => {
    const inflate = guardedInflate(codecById(1), 1);
    await expect(inflate(Buffer.from("garbage, and no header before it"))).rejects.toThrow(
      /offsets are unknown, so it cannot be skipped/,
    );
  });
});
