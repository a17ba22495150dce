/**
 * How large a compressed record batch can inflate, read from its frame headers before anything
 * is decompressed. A few kilobytes of zstd or lz4 can claim gigabytes; the decoders allocate what
 * the frames claim, so the claim is checked first and a batch over the bound is refused instead
 * of exhausting the heap (which would crash the detector on the same batch at every restart).
 * Pure: bytes in, a number or an error out.
 */

/** The frame is malformed: its headers do not describe the bytes that follow. */
export class CorruptFrameError extends Error {
  override readonly name = "CorruptFrameError";
}

/** The batch would inflate past the detector's bound: refused before it is decompressed. */
export class InflateLimitError extends Error {
  override readonly name = "InflateLimitError";

  constructor(what: string, limit: number) {
    super(`${what}, over the ${limit}-byte bound on an inflated batch`);
  }
}

const LZ4_MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const LZ4_SKIPPABLE = 0x184d2a50;
const ZSTD_MAGIC = 0xfd2fb528;
/** Largest block a zstd frame may hold, compressed or not (RFC 8878, Block_Maximum_Size). */
const ZSTD_MAX_BLOCK = 128 * 1024;

function need(buf: Buffer, at: number, bytes: number, what: string): void {
  if (at + bytes > buf.length) throw new CorruptFrameError(`${what}: truncated at byte ${at}`);
}

/** Skips a skippable frame (lz4 and zstd share the format); returns the offset after it. */
function skipSkippable(buf: Buffer, at: number, what: string): number {
  need(buf, at, 8, what);
  const size = buf.readUInt32LE(at + 4);
  need(buf, at + 8, size, what);
  return at + 8 + size;
}

/**
 * Sums the bound of each frame of a sequence in one format: a skippable frame adds nothing, any
 * other must start with `magic`; `frame` reads the one at `at` and returns where it ends and
 * what it may inflate to.
 */
function sumFrames(
  buf: Buffer,
  format: "lz4" | "zstd",
  magic: number,
  frame: (at: number) => [end: number, bound: number],
): number {
  let at = 0;
  let total = 0;
  while (at < buf.length) {
    need(buf, at, 4, `${format} frame`);
    const word = buf.readUInt32LE(at);
    if ((word & SKIPPABLE_MASK) >>> 0 === LZ4_SKIPPABLE) {
      at = skipSkippable(buf, at, `${format} skippable frame`);
      continue;
    }
    if (word !== magic) {
      throw new CorruptFrameError(
        `not ${format === "lz4" ? "an" : "a"} ${format} frame at byte ${at}`,
      );
    }
    const [end, bound] = frame(at);
    at = end;
    total += bound;
  }
  return total;
}

/**
 * Upper bound of the bytes an lz4 frame sequence (the LZ4 frame format Kafka uses) inflates to:
 * a stored block adds its size, a compressed block at most the frame's block maximum.
 */
export function lz4InflatedBound(buf: Buffer): number {
  return sumFrames(buf, "lz4", LZ4_MAGIC, (start) => {
    let at = start;
    let total = 0;
    need(buf, at, 7, "lz4 frame header");
    const flg = buf[at + 4] ?? 0;
    const bd = buf[at + 5] ?? 0;
    if (flg >> 6 !== 1) throw new CorruptFrameError(`lz4 frame version ${flg >> 6} is not 1`);
    const blockIndex = (bd >> 4) & 7;
    if (blockIndex < 4) throw new CorruptFrameError(`lz4 block size index ${blockIndex}`);
    const blockMax = 1 << (2 * blockIndex + 8);
    const blockChecksum = (flg & 0x10) !== 0;
    const contentSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const dictId = (flg & 0x01) !== 0;
    at += 6 + (contentSize ? 8 : 0) + (dictId ? 4 : 0) + 1; // descriptor, options, header checksum
    for (;;) {
      need(buf, at, 4, "lz4 block header");
      const word = buf.readUInt32LE(at);
      at += 4;
      if (word === 0) break;
      const stored = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > blockMax) throw new CorruptFrameError(`lz4 block of ${size} > ${blockMax} bytes`);
      need(buf, at, size + (blockChecksum ? 4 : 0), "lz4 block");
      at += size + (blockChecksum ? 4 : 0);
      total += stored ? size : blockMax;
    }
    if (contentChecksum) {
      need(buf, at, 4, "lz4 content checksum");
      at += 4;
    }
    return [at, total];
  });
}

/** What a zstd frame header says: its window and, when given, its content size. */
interface ZstdHeader {
  readonly headerBytes: number;
  readonly window: number;
  readonly contentSize: number | undefined;
  readonly checksum: boolean;
}

function zstdHeader(buf: Buffer, at: number): ZstdHeader {
  need(buf, at, 6, "zstd frame header");
  const fhd = buf[at + 4] ?? 0;
  if ((fhd & 0x08) !== 0) throw new CorruptFrameError("zstd frame header reserved bit set");
  const singleSegment = (fhd & 0x20) !== 0;
  const fcsFlag = fhd >> 6;
  const dictBytes = [0, 1, 2, 4][fhd & 3] ?? 0;
  const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
  let p = at + 5;
  let window = 0;
  if (!singleSegment) {
    const wd = buf[p] ?? 0;
    const base = 2 ** (10 + (wd >> 3));
    window = base + (base / 8) * (wd & 7);
    p += 1;
  }
  p += dictBytes;
  need(buf, p, fcsBytes, "zstd frame content size");
  let contentSize: number | undefined;
  if (fcsBytes === 1) contentSize = buf[p] ?? 0;
  else if (fcsBytes === 2) contentSize = buf.readUInt16LE(p) + 256;
  else if (fcsBytes === 4) contentSize = buf.readUInt32LE(p);
  else if (fcsBytes === 8) contentSize = Number(buf.readBigUInt64LE(p));
  p += fcsBytes;
  if (singleSegment) window = contentSize ?? 0;
  return { headerBytes: p - at, window, contentSize, checksum: (fhd & 0x04) !== 0 };
}

/**
 * Upper bound of the bytes a zstd frame sequence inflates to, and refusal of any frame whose
 * window or declared size is over `limit` (the decoder allocates those up front).
 */
export function zstdInflatedBound(buf: Buffer, limit: number): number {
  return sumFrames(buf, "zstd", ZSTD_MAGIC, (start) => {
    let at = start;
    let total = 0;
    const header = zstdHeader(buf, at);
    if (header.window > limit || (header.contentSize ?? 0) > limit) {
      const claim = Math.max(header.window, header.contentSize ?? 0);
      throw new InflateLimitError(`zstd frame claims ${claim} bytes`, limit);
    }
    const blockMax = Math.min(ZSTD_MAX_BLOCK, Math.max(header.window, 1));
    at += header.headerBytes;
    for (let last = false; !last;) {
      need(buf, at, 3, "zstd block header");
      const word = buf.readUIntLE(at, 3);
      at += 3;
      last = (word & 1) === 1;
      const type = (word >> 1) & 3;
      const size = word >> 3;
      if (type === 3) throw new CorruptFrameError("zstd block of reserved type");
      if (size > ZSTD_MAX_BLOCK) throw new CorruptFrameError(`zstd block of ${size} bytes`);
      const stored = type === 1 ? 1 : size; // an RLE block stores one byte repeated `size` times
      need(buf, at, stored, "zstd block");
      at += stored;
      total += type === 2 ? blockMax : size;
    }
    if (header.checksum) {
      need(buf, at, 4, "zstd frame checksum");
      at += 4;
    }
    return [at, total];
  });
}
