import { readFileSync } from "node:fs";
import zlib from "node:zlib";
import snappy from "snappyjs";
import { describe, expect, it } from "vitest";
import { BATCH_CODECS, codecById, type CodecName } from "../../../src/kafka/codecs.js";
import { CorruptFrameError, InflateLimitError } from "../../../src/kafka/frame-bounds.js";

const MiB = 1024 * 1024;

function codec(name: CodecName) {
  const c = BATCH_CODECS.find((x) => x.name === name);
  if (c === undefined) throw new Error(name);
  return c;
}

/** Records a Java producer (Kafka's console producer, 3.9.1) compressed: 170-300 JSON events. */
function javaRecords(name: "snappy" | "lz4" | "zstd"): Buffer {
  return readFileSync(new URL(`./fixtures/java-${name}-records.bin`, import.meta.url));
}

/** Events as JSON lines, enough to span several blocks of every codec. */
const events = Buffer.from(
  Array.from(
    { length: 3000 },
    (_, i) => `{"id":"e${i}","lat":${(i % 90) / 3},"lon":${(i % 180) / 7},"value":${i}}\n`,
  ).join(""),
);

describe("the batch codecs", () => {
  it("have Kafka's ids", () => {
    expect(BATCH_CODECS.map((c) => [c.id, c.name])).toEqual([
      [1, "gzip"],
      [2, "snappy"],
      [3, "lz4"],
      [4, "zstd"],
    ]);
    expect(codecById(5)).toBeUndefined();
  });

  it.each(["gzip", "snappy", "lz4"] as const)("%s inflates what it deflates", async (name) => {
    const c = codec(name);
    const packed = await c.deflate(events);
    expect(packed.length).toBeLessThan(events.length / 2);
    expect((await c.inflate(packed, 64 * MiB)).equals(events)).toBe(true);
  });

  it.each(["snappy", "lz4", "zstd"] as const)(
    "%s inflates a Java producer's batch",
    async (name) => {
      const out = await codec(name).inflate(javaRecords(name), 64 * MiB);
      expect(out.toString("latin1")).toContain(`{"id":"${name}-1","lat":1.1,"lon":2.1,"value":1`);
      expect(out.length).toBeGreaterThan(15_000);
    },
  );

  it("snappy also inflates raw blocks without snappy-java's stream header", async () => {
    const raw = Buffer.from(snappy.compress(events));
    expect((await codec("snappy").inflate(raw, 64 * MiB)).equals(events)).toBe(true);
  });

  it("zstd says it cannot compress instead of writing something else", async () => {
    await expect(codec("zstd").deflate(events)).rejects.toThrow(
      /zstd compression is not available/,
    );
  });
});

describe("the inflate bound", () => {
  const zeros = Buffer.alloc(2 * MiB);

  it("refuses a gzip batch that inflates past it", async () => {
    const bomb = zlib.gzipSync(zeros);
    await expect(codec("gzip").inflate(bomb, MiB)).rejects.toBeInstanceOf(InflateLimitError);
    expect((await codec("gzip").inflate(bomb, 2 * MiB)).length).toBe(2 * MiB);
  });

  it.each(["snappy", "lz4"] as const)("refuses a %s batch that inflates past it", async (name) => {
    const bomb = await codec(name).deflate(zeros);
    await expect(codec(name).inflate(bomb, MiB)).rejects.toThrow();
    expect((await codec(name).inflate(bomb, 4 * MiB)).length).toBe(2 * MiB);
  });

  it("refuses zstd frames whose blocks may inflate past it", async () => {
    const records = javaRecords("zstd");
    await expect(codec("zstd").inflate(records, 8 * 1024)).rejects.toBeInstanceOf(
      InflateLimitError,
    );
  });

  it("refuses a zstd frame that claims a terabyte before allocating anything", async () => {
    // magic, header: 8-byte content size, single segment; content size 2^40; one empty raw block
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    await expect(codec("zstd").inflate(frame, 64 * MiB)).rejects.toThrow(/claims 1099511627776/);
  });

  it("refuses a snappy block that claims more than the bound", async () => {
    const claim = Buffer.from([0x80, 0x80, 0x80, 0x40, 0x00]); // a varint of 128 MiB, then junk
    await expect(codec("snappy").inflate(claim, 64 * MiB)).rejects.toThrow(/too big/);
  });

  it.each(["lz4", "zstd"] as const)("calls a truncated %s frame corrupt", async (name) => {
    const whole = name === "lz4" ? await codec("lz4").deflate(events) : javaRecords("zstd");
    await expect(codec(name).inflate(whole.subarray(0, 40), 64 * MiB)).rejects.toBeInstanceOf(
      CorruptFrameError,
    );
  });
});
