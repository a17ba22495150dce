import { z } from "zod";
import { hostPorts, intIn, spec, topicName } from "./spec.js";

/** The Kafka side: brokers, client and group, the consumer's session and stop, and the topics. */
export const KAFKA_SETTINGS = {
  kafkaBrokers: spec(
    "KAFKA_BROKERS",
    "kafka-brokers",
    "127.0.0.1:9092",
    hostPorts,
    "Kafka bootstrap brokers, comma-separated host:port",
  ),
  kafkaClientId: spec(
    "KAFKA_CLIENT_ID",
    "kafka-client-id",
    "geoanomaly",
    z.string().min(1),
    "Kafka client id",
  ),
  groupId: spec(
    "KAFKA_GROUP_ID",
    "group-id",
    "geoanomaly-detector",
    z.string().min(1),
    "consumer group of the detector",
  ),
  sessionTimeoutMs: spec(
    "KAFKA_SESSION_TIMEOUT_MS",
    "session-timeout-ms",
    "30000",
    intIn(6000, 300_000),
    "consumer group session timeout: how soon a dead detector's partitions move",
  ),
  shutdownTimeoutMs: spec(
    "SHUTDOWN_TIMEOUT_MS",
    "shutdown-timeout-ms",
    "30000",
    intIn(1000, 600_000),
    "how long SIGTERM may take (finish in-flight work, commit, disconnect) before the process exits with code 1; uncommitted events are redelivered",
  ),
  inputTopic: spec(
    "INPUT_TOPIC",
    "input-topic",
    "geo-events",
    topicName,
    "topic the events arrive on",
  ),
  deadLetterTopic: spec(
    "DLQ_TOPIC",
    "dlq-topic",
    "geo-events.dlq",
    topicName,
    "topic malformed events are sent to, with the reason in headers",
  ),
  alertTopic: spec(
    "ALERT_TOPIC",
    "alert-topic",
    "geo-anomalies",
    topicName,
    "topic anomaly alerts are published to",
  ),
  topicPartitions: spec(
    "TOPIC_PARTITIONS",
    "topic-partitions",
    "6",
    intIn(1, 10_000),
    "partitions of topics the detector creates when missing",
  ),
  topicReplication: spec(
    "TOPIC_REPLICATION",
    "topic-replication",
    "1",
    intIn(1, 10),
    "replication factor of topics the detector creates",
  ),
} as const;
