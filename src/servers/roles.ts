/**
 * Who may do what on a secured local stack (least privilege). Each kind of client gets its own
 * login, so a leaked detector password cannot drop a table and the query API cannot write:
 * - admin (`geoanomaly_admin`): Kafka super user (the tools, broker-to-broker) and Cassandra
 *   superuser (the tools: roles, grants); never handed to the product;
 * - schema (`geoanomaly_schema`, Cassandra only): may create keyspaces and tables, and owns what
 *   it creates: `geoanomaly schema apply` runs as this role;
 * - detector (`geoanomaly`): Kafka: reads its input topic and its consumer group, writes its
 *   alert and dead-letter topics, nothing else; Cassandra: SELECT and MODIFY on its keyspace;
 * - api (`geoanomaly_api`, Cassandra only): SELECT on the keyspace (`geoanomaly serve`).
 */
import { SETTINGS } from "../config/settings.js";

export type RoleName = "admin" | "schema" | "detector" | "api";

export const ROLE_USERS: Readonly<Record<RoleName, string>> = {
  admin: "geoanomaly_admin",
  schema: "geoanomaly_schema",
  detector: "geoanomaly",
  api: "geoanomaly_api",
};

/** The names a detector works with, which its grants are made on. */
export interface ProductNames {
  readonly inputTopic: string;
  readonly alertTopic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  readonly keyspace: string;
  /** Partitions of the topics made when missing. */
  readonly topicPartitions: number;
}

/** The product's default names (what `servers up --secure` grants on). */
export const DEFAULT_PRODUCT_NAMES: ProductNames = {
  inputTopic: SETTINGS.inputTopic.default,
  alertTopic: SETTINGS.alertTopic.default,
  deadLetterTopic: SETTINGS.deadLetterTopic.default,
  groupId: SETTINGS.groupId.default,
  keyspace: SETTINGS.cassandraKeyspace.default,
  topicPartitions: Number(SETTINGS.topicPartitions.default),
};

/** A CQL identifier we may put into a statement unquoted (roles and keyspaces are ours). */
export function assertCqlName(name: string): string {
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(name))
    throw new RangeError(`${JSON.stringify(name)} is not a lower-case CQL identifier`);
  return name;
}

/** The Cassandra statements that give the detector and the API their rights on `keyspace`. */
export function keyspaceGrants(keyspace: string): string[] {
  const ks = assertCqlName(keyspace);
  return [
    `GRANT SELECT ON KEYSPACE ${ks} TO ${ROLE_USERS.detector}`,
    `GRANT MODIFY ON KEYSPACE ${ks} TO ${ROLE_USERS.detector}`,
    `GRANT SELECT ON KEYSPACE ${ks} TO ${ROLE_USERS.api}`,
  ];
}

/** One Kafka ACL, as kafkajs takes it (resource, operation), always ALLOW for one principal. */
export interface AclGrant {
  readonly resource: "topic" | "group";
  readonly name: string;
  readonly operation: "read" | "write";
}

/** The detector's Kafka rights: read its input and group, write its alerts and dead letters. */
export function detectorAcls(names: ProductNames): AclGrant[] {
  return [
    { resource: "topic", name: names.inputTopic, operation: "read" },
    { resource: "group", name: names.groupId, operation: "read" },
    { resource: "topic", name: names.alertTopic, operation: "write" },
    { resource: "topic", name: names.deadLetterTopic, operation: "write" },
  ];
}
