/**
 * A send that is confirmed per partition. kafkajs 2.2.4's send() can resolve without having
 * written every message: it keeps the answer of each broker across its retries, so when a
 * partition's leader dies during a send and the partition moves to a broker that has already
 * answered for its own partitions, the retry skips that broker and the moved partition's
 * messages are never sent, yet send() resolves (kafkajs issue 1303). Its answer lists the
 * partitions it wrote, so this sends with the partitions set explicitly and sends again the
 * messages of any partition the answer does not confirm.
 */
import kafkajs, { Partitioners, type Admin, type Message, type RecordMetadata } from "kafkajs";
import { waitForLeaders } from "./topics.js";

/** The part of a kafkajs producer (or a transaction) this needs. */
export type SendPort = (record: {
  topic: string;
  acks: number;
  compression?: number;
  messages: Message[];
}) => Promise<RecordMetadata[]>;

/** How many sends one batch may take before the missing partitions are reported as an error. */
export const CONFIRM_ATTEMPTS = 5;

/**
 * The partition kafkajs's default partitioner gives each message among `partitions` (a keyed
 * message: murmur2 of its key, as the Java client; an unkeyed one: round robin), set on a copy.
 */
export function withPartitions(
  topic: string,
  messages: readonly Message[],
  partitions: number,
): (Message & { partition: number })[] {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [],
    isr: [],
  }));
  return messages.map((message) => ({
    ...message,
    partition: partitioner({ topic, partitionMetadata, message }),
  }));
}

/** The messages of `topic` whose partition the send's answer does not confirm (errorCode 0). */
export function unconfirmed<M extends { partition: number }>(
  topic: string,
  messages: readonly M[],
  answer: readonly RecordMetadata[],
): M[] {
  const written = new Set(
    answer.filter((r) => r.topicName === topic && r.errorCode === 0).map((r) => r.partition),
  );
  return messages.filter((m) => !written.has(m.partition));
}

/**
 * Sends `messages` to `topic` (acks from all in-sync replicas) and resolves only once every
 * partition they go to is confirmed; throws when some are still missing after
 * {@link CONFIRM_ATTEMPTS} sends.
 */
export async function sendConfirmed(
  send: SendPort,
  topic: string,
  messages: readonly Message[],
  partitions: number,
  options: { readonly compression?: number; readonly onResend?: (missing: number) => void } = {},
): Promise<void> {
  let pending = withPartitions(topic, messages, partitions);
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > CONFIRM_ATTEMPTS) {
      const parts = [...new Set(pending.map((m) => m.partition))].join(", ");
      // Retriable: the caller's retry sends the whole batch again (a copy at most, never a loss).
      throw new kafkajs.KafkaJSError(
        `${topic}: partitions ${parts} not confirmed after ${CONFIRM_ATTEMPTS} sends ` +
          `(${pending.length} messages)`,
        { retriable: true },
      );
    }
    if (attempt > 1) options.onResend?.(pending.length);
    const answer = await send({
      topic,
      acks: -1,
      ...(options.compression === undefined ? {} : { compression: options.compression }),
      messages: pending,
    });
    pending = unconfirmed(topic, pending, answer);
  }
}

/**
 * The partition count of each of `topics`, read once at start: the sinks send with partitions
 * set, as kafkajs's partitioner would with that count. Partitions added later are used after a
 * restart (until then keyed messages keep to the partitions known at start). Waits first until
 * every partition has a leader: a broker may answer "unknown topic" just after the topic's creation.
 */
export async function partitionCounts(
  admin: Pick<Admin, "fetchTopicMetadata">,
  topics: readonly string[],
): Promise<Map<string, number>> {
  await waitForLeaders(admin, topics);
  const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
  const counts = new Map(meta.map((t) => [t.name, t.partitions.length]));
  for (const topic of topics)
    if ((counts.get(topic) ?? 0) === 0) throw new Error(`${topic}: no partitions in its metadata`);
  return counts;
}
