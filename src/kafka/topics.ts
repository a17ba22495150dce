import type { Admin } from "kafkajs";

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
}

/** Creates the topics that are missing (existing ones are left as they are); returns those created. */
export async function ensureTopics(
  admin: Admin,
  topics: readonly TopicSpec[],
  replication: number,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: t.topic,
      numPartitions: t.partitions,
      replicationFactor: replication,
    })),
  });
  return missing.map((t) => t.topic);
}
