/**
 * The codecs as kafkajs sees them: each inflate guarded, so a batch that cannot be decoded becomes
 * placeholder records instead of an error that fails the whole fetch response, every partition of
 * that broker with it, and crashes the consumer on the same batch after every restart.
 */
import kafkajs from "kafkajs";
import { decideUndecodable } from "./batch-recovery.js";
import { MAX_INFLATED_BATCH_BYTES, codecById, type BatchCodec } from "./codecs.js";
import { SAMPLE_BYTES, headerBefore, placeholderRecords } from "./placeholder-records.js";

/** The inflate kafkajs calls for codec `id`: never throws for a batch it can skip. */
export function guardedInflate(
  codec: BatchCodec | undefined,
  id: number,
  limit = MAX_INFLATED_BATCH_BYTES,
): (records: Buffer) => Promise<Buffer> {
  const name = codec?.name ?? `codec ${id}`;
  return async (records) => {
    try {
      if (codec === undefined) throw new Error(`no codec has id ${id}`);
      return await codec.inflate(records, limit);
    } catch (error) {
      const decision = decideUndecodable(error, headerBefore(records), id, name);
      if (decision.action === "fail") throw new Error(decision.detail, { cause: error });
      return placeholderRecords(decision.count, decision.lastOffsetDelta, {
        codec: name,
        detail: decision.detail,
        records: decision.count,
        compressedBytes: records.length,
        sample: Buffer.from(records.subarray(0, SAMPLE_BYTES)),
      });
    }
  };
}

/** The ids a batch's attributes can name (three bits): the four codecs and the unassigned ones. */
const CODEC_IDS = [1, 2, 3, 4, 5, 6, 7];

/**
 * Registers every codec with kafkajs (its registry is global, so once is enough; again is
 * harmless). Unassigned ids get a codec too, so such a batch is skipped rather than misread.
 */
export function registerCodecs(): void {
  const registry = kafkajs.CompressionCodecs as Record<number, () => unknown>;
  for (const id of CODEC_IDS) {
    const codec = codecById(id);
    const decompress = guardedInflate(codec, id);
    const compress = (encoder: { buffer: Buffer }): Promise<Buffer> =>
      codec === undefined
        ? Promise.reject(new Error(`no codec has id ${id}`))
        : codec.deflate(encoder.buffer);
    registry[id] = () => ({ compress, decompress });
  }
}
