/**
 * The detector's Kafka clients, made here so no other layer builds one: an admin that creates the
 * missing topics, the producer of alerts and dead letters, and the consumer of the input topic.
 */
import { Partitioners, type Admin, type Consumer, type Kafka, type Producer } from "kafkajs";
import type { Config } from "../config/load.js";
import { CONSUMER_FAILOVER, PRODUCER_FAILOVER } from "./client.js";
import { productOwnedRestarts } from "./consumer-restarts.js";
import { ensureTopics } from "./topics.js";

/**
 * The detector's Kafka clients; `admin` is connected, the producer and consumer are not yet. The
 * consumer's crashes are never restarted by kafkajs: `ConsumerLoop.watchCrashes` restarts them.
 */
export interface DetectorKafkaClients {
  readonly admin: Admin;
  readonly producer: Producer;
  readonly consumer: Consumer;
}

/**
 * Connects an admin and creates the input, dead-letter and alert topics that are missing (an
 * operator may have made them already); returns the clients and the topics it created.
 */
export async function openDetectorKafka(
  kafka: Kafka,
  config: Pick<
    Config,
    | "inputTopic"
    | "deadLetterTopic"
    | "alertTopic"
    | "topicPartitions"
    | "topicReplication"
    | "groupId"
    | "sessionTimeoutMs"
  >,
): Promise<{ clients: DetectorKafkaClients; created: string[] }> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  const created = await ensureTopics(
    admin,
    [config.inputTopic, config.deadLetterTopic, config.alertTopic].map((topic) => ({
      topic,
      partitions: config.topicPartitions,
    })),
    config.topicReplication,
  );
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...PRODUCER_FAILOVER,
  });
  const consumer: Consumer = kafka.consumer({
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeoutMs,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: 256 * 1024,
    allowAutoTopicCreation: false,
    ...CONSUMER_FAILOVER,
    // The consumer loop restarts a crashed consumer, so that a stop can cancel the restart.
    retry: productOwnedRestarts(CONSUMER_FAILOVER.retry ?? {}),
  });
  return { clients: { admin, producer, consumer }, created };
}
