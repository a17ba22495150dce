import { setTimeout as sleep } from "node:timers/promises";
import type { Admin, Kafka } from "kafkajs";
import { GeoAnomalyError } from "../errors.js";

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
}

/** How long new topics may take to have a leader for every partition on a cluster. */
const LEADERS_TIMEOUT_MS = 60_000;

/**
 * Waits until every partition of `topics` has a leader. On a cluster a broker can answer "unknown
 * topic" for a moment after creation (its metadata lags the controller's): that is retried, unlike
 * kafkajs's own wait, which gives up on it.
 */
export async function waitForLeaders(
  admin: Pick<Admin, "fetchTopicMetadata">,
  topics: readonly string[],
): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (
        meta.length === topics.length &&
        meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      )
        return;
    } catch (err) {
      if ((err as { retriable?: unknown }).retriable !== true || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline)
      throw new Error(`topics ${topics.join(", ")} have no leader after ${LEADERS_TIMEOUT_MS} ms`);
    await sleep(250);
  }
}

/** True when Kafka refused a request for want of an ACL (kafkajs may wrap it in an aggregate). */
function isAuthorizationError(err: unknown): boolean {
  const e = err as { type?: unknown; errors?: unknown };
  if (typeof e.type === "string" && e.type.endsWith("_AUTHORIZATION_FAILED")) return true;
  return Array.isArray(e.errors) && e.errors.some(isAuthorizationError);
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
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((t) => ({
        topic: t.topic,
        numPartitions: t.partitions,
        replicationFactor: replication,
      })),
    });
  } catch (err) {
    if (!isAuthorizationError(err)) throw err;
    throw new GeoAnomalyError(
      "AUTH_FAILED",
      `topics ${missing.map((t) => t.topic).join(", ")} do not exist and the Kafka user ` +
        "(KAFKA_USERNAME) may not create them: create them first with a principal that may " +
        "(on a secured local stack, 'geoanomaly servers grant')",
      { cause: err },
    );
  }
  await waitForLeaders(
    admin,
    missing.map((t) => t.topic),
  );
  return missing.map((t) => t.topic);
}

/**
 * ensureTopics with an admin of `kafka` opened for the call and closed after it: the one way the
 * product, the synthetic producer, the bench and the tests create topics.
 */
export async function ensureTopicsOn(
  kafka: Kafka,
  topics: readonly TopicSpec[],
  replication: number,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await ensureTopics(admin, topics, replication);
  } finally {
    await admin.disconnect();
  }
}
