/** Kafka KRaft broker+controller configuration for one node of a local stack (pure text). */
import path from "node:path";
import type { ServerPaths } from "./paths.js";
import { ROLE_USERS } from "./roles.js";
import type { NodeTls } from "./secure.js";
import {
  minInsyncReplicas,
  nodesOf,
  replicationFactor,
  type NodeRef,
  type Topology,
} from "./topology.js";

export const KAFKA_PORT = 9092;
export const KAFKA_CONTROLLER_PORT = 9093;

/**
 * server.properties of one broker+controller. Secured: clients and brokers speak SASL/SCRAM over
 * TLS, controllers accept only nodes with a certificate of the stack's CA, and the
 * StandardAuthorizer denies whatever an ACL does not allow (the admin and the nodes are super
 * users).
 */
export function kafkaServerProperties(
  node: NodeRef,
  topology: Topology,
  paths: ServerPaths,
  tls?: NodeTls,
): string {
  const voters = nodesOf(topology, "kafka")
    .map((n) => `${n.index}@${n.host}:${KAFKA_CONTROLLER_PORT}`)
    .join(",");
  const rf = replicationFactor(topology.kafkaBrokers);
  const client = tls === undefined ? "PLAINTEXT" : "SASL_SSL";
  const controller = tls === undefined ? "PLAINTEXT" : "SSL";
  const lines = [
    "# Written by 'geoanomaly servers up'; edits are overwritten.",
    "process.roles=broker,controller",
    `node.id=${node.index}`,
    `controller.quorum.voters=${voters}`,
    `listeners=${client}://${node.host}:${KAFKA_PORT},CONTROLLER://${node.host}:${KAFKA_CONTROLLER_PORT}`,
    `advertised.listeners=${client}://${node.host}:${KAFKA_PORT}`,
    `inter.broker.listener.name=${client}`,
    "controller.listener.names=CONTROLLER",
    `listener.security.protocol.map=CONTROLLER:${controller},${client}:${client}`,
    `log.dirs=${paths.data}`,
    "num.partitions=3",
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${minInsyncReplicas(topology.kafkaBrokers)}`,
    `offsets.topic.replication.factor=${rf}`,
    "offsets.topic.num.partitions=10",
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${minInsyncReplicas(topology.kafkaBrokers)}`,
    "group.initial.rebalance.delay.ms=0",
    "log.retention.hours=24",
  ];
  if (tls !== undefined) {
    const pass = tls.secrets.storePassword;
    // Nodes prove who they are to the controllers with their certificates (CN = their address).
    const nodes = nodesOf(topology, "kafka").map((n) => `User:CN=${n.host}`);
    lines.push(
      "sasl.enabled.mechanisms=SCRAM-SHA-512",
      "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
      "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" +
        "org.apache.kafka.common.security.scram.ScramLoginModule required " +
        `username="${ROLE_USERS.admin}" password="${tls.secrets.adminPassword}";`,
      "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
      `super.users=${[`User:${ROLE_USERS.admin}`, ...nodes].join(";")}`,
      "allow.everyone.if.no.acl.found=false",
      "listener.name.controller.ssl.client.auth=required",
      "ssl.keystore.type=PKCS12",
      `ssl.keystore.location=${tls.keystore}`,
      `ssl.keystore.password=${pass}`,
      `ssl.key.password=${pass}`,
      "ssl.truststore.type=PKCS12",
      `ssl.truststore.location=${tls.truststore}`,
      `ssl.truststore.password=${pass}`,
      "ssl.client.auth=none",
    );
  }
  return `${lines.join("\n")}\n`;
}

export function kafkaLog4jProperties(paths: ServerPaths): string {
  const file = path.join(paths.logs, "server.log");
  return [
    "log4j.rootLogger=INFO, file",
    "log4j.appender.file=org.apache.log4j.RollingFileAppender",
    `log4j.appender.file.File=${file}`,
    "log4j.appender.file.MaxFileSize=20MB",
    "log4j.appender.file.MaxBackupIndex=3",
    "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
    "log4j.logger.kafka=INFO",
    "log4j.logger.org.apache.kafka=INFO",
    "log4j.logger.state.change.logger=WARN",
    "",
  ].join("\n");
}
