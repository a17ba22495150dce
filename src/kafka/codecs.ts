/**
 * The record-batch compression codecs Kafka producers use: gzip, snappy, lz4 and zstd. kafkajs
 * ships gzip only and throws for the others, which stopped the detector at the first batch any
 * other producer compressed. Every inflate is bounded, so a small batch that claims gigabytes is
 * refused instead of exhausting the heap. Pure JS or prebuilt binaries shipped in the packages:
 * nothing is compiled or downloaded at install or run time.
 */
import { promisify } from "node:util";
import zlib from "node:zlib";
import { decompress as zstdDecompress } from "fzstd";
import lz4 from "lz4-napi";
import snappy from "snappyjs";
import { InflateLimitError, lz4InflatedBound, zstdInflatedBound } from "./frame-bounds.js";

/** Codec names as Kafka's `compression.type` spells them. */
export type CodecName = "gzip" | "snappy" | "lz4" | "zstd";

/** One codec: Kafka's id for it (the low three bits of a batch's attributes) and both directions. */
export interface BatchCodec {
  readonly name: CodecName;
  readonly id: number;
  /** Inflates the records of one batch; refuses (throws) anything that would pass `limit` bytes. */
  inflate(compressed: Buffer, limit: number): Promise<Buffer>;
  deflate(raw: Buffer): Promise<Buffer>;
}

/**
 * Largest batch the detector inflates: far above a real batch (the broker's default limit is
 * 1 MiB compressed, JSON events compress about tenfold) and far below what would strain the heap.
 */
export const MAX_INFLATED_BATCH_BYTES = 64 * 1024 * 1024;

const unzip = promisify<zlib.InputType, zlib.ZlibOptions, Buffer>(zlib.unzip);
const gzip = promisify<zlib.InputType, Buffer>(zlib.gzip);

const GZIP: BatchCodec = {
  name: "gzip",
  id: 1,
  async inflate(compressed, limit) {
    try {
      return await unzip(compressed, { maxOutputLength: limit });
    } catch (err) {
      if ((err as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE")
        throw new InflateLimitError("gzip data inflates further", limit);
      throw err;
    }
  },
  deflate: (raw) => gzip(raw),
};

/** snappy-java's stream header (what Java producers write): magic, version 1, compatible 1. */
const XERIAL_HEADER = Buffer.from([
  0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1,
]);
const XERIAL_MAGIC = XERIAL_HEADER.subarray(0, 8);
/** snappy-java's default block: the stream is cut into blocks of this many raw bytes. */
const XERIAL_BLOCK = 32 * 1024;

function snappyBlock(block: Buffer, limit: number): Buffer {
  const out = snappy.uncompress(block, limit);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Raw snappy (what librdkafka and kafkajs-snappy write) or snappy-java's framed stream. */
function snappyInflate(buf: Buffer, limit: number): Buffer {
  if (buf.length < 16 || !buf.subarray(0, 8).equals(XERIAL_MAGIC)) return snappyBlock(buf, limit);
  const blocks: Buffer[] = [];
  let total = 0;
  for (let at = 16; at < buf.length;) {
    if (at + 4 > buf.length) throw new Error(`snappy stream: truncated block header at ${at}`);
    const size = buf.readUInt32BE(at);
    at += 4;
    if (at + size > buf.length) throw new Error(`snappy stream: block of ${size} bytes truncated`);
    const block = snappyBlock(buf.subarray(at, at + size), limit - total);
    blocks.push(block);
    total += block.length;
    at += size;
  }
  return Buffer.concat(blocks, total);
}

function snappyDeflate(raw: Buffer): Buffer {
  const parts: Buffer[] = [XERIAL_HEADER];
  for (let at = 0; at < raw.length; at += XERIAL_BLOCK) {
    const block = snappy.compress(raw.subarray(at, at + XERIAL_BLOCK));
    const size = Buffer.alloc(4);
    size.writeUInt32BE(block.length);
    parts.push(size, Buffer.from(block.buffer, block.byteOffset, block.byteLength));
  }
  return Buffer.concat(parts);
}

const SNAPPY: BatchCodec = {
  name: "snappy",
  id: 2,
  inflate: (compressed, limit) => Promise.resolve().then(() => snappyInflate(compressed, limit)),
  deflate: (raw) => Promise.resolve().then(() => snappyDeflate(raw)),
};

const LZ4: BatchCodec = {
  name: "lz4",
  id: 3,
  async inflate(compressed, limit) {
    const bound = lz4InflatedBound(compressed);
    if (bound > limit)
      throw new InflateLimitError(`lz4 frames may inflate to ${bound} bytes`, limit);
    return lz4.decompressFrame(compressed);
  },
  deflate: (raw) => lz4.compressFrame(raw),
};

const ZSTD: BatchCodec = {
  name: "zstd",
  id: 4,
  async inflate(compressed, limit) {
    const bound = zstdInflatedBound(compressed, limit);
    if (bound > limit)
      throw new InflateLimitError(`zstd frames may inflate to ${bound} bytes`, limit);
    await Promise.resolve();
    const out = zstdDecompress(compressed);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  },
  deflate: () =>
    Promise.reject(
      new Error(
        "zstd compression is not available to this client: produce with gzip, snappy or lz4",
      ),
    ),
};

/** Every codec the detector reads, by Kafka's id. */
export const BATCH_CODECS: readonly BatchCodec[] = [GZIP, SNAPPY, LZ4, ZSTD];

/** The codec of a batch's attributes, or undefined for an id no codec has. */
export function codecById(id: number): BatchCodec | undefined {
  return BATCH_CODECS.find((c) => c.id === id);
}
