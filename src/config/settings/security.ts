import { z } from "zod";
import { onOff, spec } from "./spec.js";

/** How the service logs in to Kafka and Cassandra: SASL, TLS, CA files and password files. */
export const SECURITY_SETTINGS = {
  kafkaSaslMechanism: spec(
    "KAFKA_SASL_MECHANISM",
    "kafka-sasl-mechanism",
    "",
    z.enum(["", "plain", "scram-sha-256", "scram-sha-512"]),
    "Kafka SASL mechanism: plain, scram-sha-256 or scram-sha-512 (empty: no authentication)",
  ),
  kafkaUsername: spec("KAFKA_USERNAME", "kafka-username", "", z.string(), "Kafka SASL user"),
  kafkaPassword: spec(
    "KAFKA_PASSWORD",
    "kafka-password",
    "",
    z.string(),
    "Kafka SASL password",
    true,
  ),
  kafkaTls: spec(
    "KAFKA_TLS",
    "kafka-tls",
    "false",
    onOff,
    "connect to Kafka over TLS, verifying the brokers' certificates",
  ),
  kafkaCaFile: spec(
    "KAFKA_CA_FILE",
    "kafka-ca-file",
    "",
    z.string(),
    "PEM file of the CA that signed the brokers' certificates (empty: the system's trusted CAs)",
  ),
  cassandraTls: spec(
    "CASSANDRA_TLS",
    "cassandra-tls",
    "false",
    onOff,
    "connect to Cassandra over TLS, verifying the nodes' certificates",
  ),
  cassandraCaFile: spec(
    "CASSANDRA_CA_FILE",
    "cassandra-ca-file",
    "",
    z.string(),
    "PEM file of the CA that signed the Cassandra nodes' certificates (empty: the system's trusted CAs)",
  ),
  kafkaPasswordFile: spec(
    "KAFKA_PASSWORD_FILE",
    "kafka-password-file",
    "",
    z.string(),
    "file holding the Kafka SASL password, read at start with one trailing newline dropped (Docker and Kubernetes secrets); instead of KAFKA_PASSWORD, never with it",
  ),
  cassandraPasswordFile: spec(
    "CASSANDRA_PASSWORD_FILE",
    "cassandra-password-file",
    "",
    z.string(),
    "file holding the Cassandra password, read at start with one trailing newline dropped (Docker and Kubernetes secrets); instead of CASSANDRA_PASSWORD, never with it",
  ),
  allowPlaintextCredentials: spec(
    "ALLOW_PLAINTEXT_CREDENTIALS",
    "allow-plaintext-credentials",
    "false",
    onOff,
    "accept sending a user and password over a connection without TLS (Kafka SASL with KAFKA_TLS=false, a Cassandra login with CASSANDRA_TLS=false); refused at start otherwise",
  ),
} as const;
