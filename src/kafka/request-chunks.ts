/**
 * Splitting a producer's messages into requests of bounded size: a request's messages for one
 * partition form one record batch, which the broker refuses whole when it passes the topic's
 * `max.message.bytes` (1 MiB by default), so a large send goes in several requests.
 */
import type { Message } from "kafkajs";
import { messageBytes } from "./dead-letter-message.js";

/** Splits messages, in order, into runs of at most `maxBytes` each (a larger message alone in its run). */
export function chunkMessages<M extends Message>(messages: readonly M[], maxBytes: number): M[][] {
  const chunks: M[][] = [];
  let chunk: M[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
