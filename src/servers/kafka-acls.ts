/**
 * The detector's topics and Kafka rights on a secured local stack, made by the stack's admin:
 * the topics are created when missing (the detector may not create them), then the ACLs of
 * roles.ts are added for the detector's principal. Idempotent: Kafka keeps one copy of an ACL.
 */
import kafkajs, { type AclEntry } from "kafkajs";
import { ensureTopics } from "../kafka/topics.js";
import { toolKafka, type StackAccess } from "./access.js";
import { detectorAcls, ROLE_USERS, type AclGrant, type ProductNames } from "./roles.js";
import { replicationFactor, type Topology } from "./topology.js";

// Through the default export: plain Node cannot see these as named exports of the CommonJS module.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** An ALLOW ACL entry of kafkajs for the detector's principal. */
export function aclEntry(grant: AclGrant, user = ROLE_USERS.detector): AclEntry {
  return {
    resourceType: grant.resource === "topic" ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: grant.name,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: `User:${user}`,
    host: "*",
    operation: grant.operation === "read" ? AclOperationTypes.READ : AclOperationTypes.WRITE,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

/** Creates the detector's missing topics and grants it its ACLs; returns the topics created. */
export async function grantTopics(
  topology: Topology,
  access: StackAccess,
  brokers: readonly string[],
  names: ProductNames,
): Promise<string[]> {
  const admin = toolKafka(access, brokers).admin();
  await admin.connect();
  try {
    const topics = [...new Set([names.inputTopic, names.alertTopic, names.deadLetterTopic])];
    const created = await ensureTopics(
      admin,
      topics.map((topic) => ({ topic, partitions: names.topicPartitions })),
      replicationFactor(topology.kafkaBrokers),
    );
    await admin.createAcls({ acl: detectorAcls(names).map((g) => aclEntry(g)) });
    return created;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
