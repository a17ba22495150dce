/**
 * Where each event of a row sits in its input topic, read back from Kafka at the end of the row:
 * (partition, offset) by event id. The detector's batch rule (never a neighbour of the same
 * partition at a later offset) needs them, and only the broker knows them for sure.
 */
import type { Kafka } from "kafkajs";
import type { TopicPosition } from "./neighbour-recall.js";

/** The `id` of an event record's JSON value; null for anything else. */
export function eventIdOf(value: Buffer | null): string | null {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value.toString("utf8")) as { id?: unknown };
    return typeof parsed.id === "string" ? parsed.id : null;
  } catch {
    return null;
  }
}

/**
 * Reads `topic` from the beginning up to its current end with a fresh consumer group (deleted
 * afterwards) and returns every event's position by id. Rejects when the end is not reached
 * within `timeoutMs`, so a partial map is never mistaken for the whole topic.
 */
export async function readInputPositions(
  kafka: Kafka,
  topic: string,
  groupId: string,
  timeoutMs = 120_000,
): Promise<Map<string, TopicPosition>> {
  const admin = kafka.admin();
  await admin.connect();
  const positions = new Map<string, TopicPosition>();
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    // Next offset to reach per partition; empty partitions are done already.
    const left = new Map<number, bigint>();
    for (const e of ends) if (BigInt(e.high) > BigInt(e.low)) left.set(e.partition, BigInt(e.high));
    if (left.size === 0) return positions;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const id = eventIdOf(m.value);
          if (id !== null) {
            positions.set(id, { partition: batch.partition, offset: BigInt(m.offset) });
          }
          const end = left.get(batch.partition);
          if (end !== undefined && BigInt(m.offset) + 1n >= end) left.delete(batch.partition);
        }
        if (left.size === 0) finish();
        return Promise.resolve();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([done, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      throw new Error(
        `reading ${topic} back: partitions ${[...left.keys()].join(", ")} not read to their end in ${timeoutMs} ms`,
      );
    }
    return positions;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
