/**
 * Where lost events are in the input topic: a lost event (acknowledged by Kafka, missing from the
 * store) is looked up in the topic before the run deletes it, so the report says whether Kafka
 * holds it, at which partition and offset, and whether the group committed past it.
 */
import type { Kafka } from "kafkajs";

/** A lost event's place in the topic, or `found: false` when the topic does not hold it. */
export interface LostEvent {
  readonly id: string;
  readonly found: boolean;
  readonly partition?: number;
  readonly offset?: string;
  /** The group's committed offset of that partition when the run ended. */
  readonly committed?: string;
  /** How many times the topic holds it (a producer retry can write it twice). */
  readonly copies: number;
}

/** Reads the whole topic once and places each of `ids` (at most a few hundred). */
export async function locateLost(
  kafka: Kafka,
  topic: string,
  groupId: string,
  ids: readonly string[],
): Promise<LostEvent[]> {
  if (ids.length === 0) return [];
  const wanted = new Set(ids);
  const seen = new Map<string, { partition: number; offset: string; copies: number }>();
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({ groupId: `${groupId}.locate-${Date.now()}` });
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committedOf = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset]),
    );
    const remaining = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
    for (const [p, high] of remaining) if (high === 0n) remaining.delete(p);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("reading the topic took over 2 min")),
        120_000,
      );
      void consumer.run({
        eachMessage: ({ partition, message }) => {
          const id = (JSON.parse(message.value?.toString("utf8") ?? "{}") as { id?: string }).id;
          if (id !== undefined && wanted.has(id)) {
            const before = seen.get(id);
            seen.set(id, {
              partition,
              offset: before?.offset ?? message.offset,
              copies: (before?.copies ?? 0) + 1,
            });
          }
          const high = remaining.get(partition);
          if (high !== undefined && BigInt(message.offset) + 1n >= high)
            remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
    return ids.map((id) => {
      const s = seen.get(id);
      if (s === undefined) return { id, found: false, copies: 0 };
      const c = committedOf.get(s.partition);
      return {
        id,
        found: true,
        partition: s.partition,
        offset: s.offset,
        copies: s.copies,
        ...(c === undefined ? {} : { committed: c }),
      };
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
