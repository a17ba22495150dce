import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes } from "kafkajs";
import { describe, expect, it } from "vitest";
import { toolCassandraOptions, toolKafkaConfig } from "../../../src/servers/access.js";
import { roleStatements } from "../../../src/servers/cassandra-roles.js";
import { aclEntry } from "../../../src/servers/kafka-acls.js";
import { kafkaServerProperties } from "../../../src/servers/kafka-config.js";
import { serverPaths } from "../../../src/servers/paths.js";
import {
  DEFAULT_PRODUCT_NAMES,
  detectorAcls,
  keyspaceGrants,
  ROLE_USERS,
} from "../../../src/servers/roles.js";
import { ensureSecrets, securePaths } from "../../../src/servers/secure.js";
import { clientSettings } from "../../../src/servers/stack.js";
import { nodeRef, SINGLE_NODE } from "../../../src/servers/topology.js";
import { expectToContainAll } from "../../support/assertions.js";

const secrets = {
  storePassword: "store",
  kafkaPassword: "detector-kafka",
  cassandraPassword: "detector-cassandra",
  cassandraAdminPassword: "old-default",
  adminPassword: "admin-pw",
  schemaPassword: "schema-pw",
  apiPassword: "api-pw",
};
const secured = { ...SINGLE_NODE, kafkaBrokers: 3, secure: true, loopbackOffset: 40 };
const SINGLE_NODE_SECURE = { ...SINGLE_NODE, secure: true };

describe("least privilege on a secured stack", () => {
  it("denies Kafka requests no ACL allows; the admin and the nodes' certificates are super users", () => {
    const node = nodeRef("kafka", 1, secured);
    const props = kafkaServerProperties(node, secured, serverPaths(node, "/state"), {
      keystore: "/state/secure/node.p12",
      truststore: "/state/secure/truststore.p12",
      secrets,
    });
    expectToContainAll(props, [
      "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
      "super.users=User:geoanomaly_admin;User:CN=127.0.0.41;User:CN=127.0.0.42;User:CN=127.0.0.43",
      "allow.everyone.if.no.acl.found=false",
      // No anonymous controller listener: nodes authenticate to it with their certificates.
      "listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL",
      "listener.name.controller.ssl.client.auth=required",
      // Brokers talk to each other as the admin, never as the detector.
      'username="geoanomaly_admin" password="admin-pw"',
    ]);
    expect(props).not.toContain("detector-kafka");
  });

  it("lets the detector read its input and group and write its alerts and dead letters, nothing else", () => {
    const acls = detectorAcls(DEFAULT_PRODUCT_NAMES).map((g) => aclEntry(g));
    expect(acls).toHaveLength(4);
    for (const acl of acls) {
      expect(acl.principal).toBe("User:geoanomaly");
      expect(acl.permissionType).toBe(AclPermissionTypes.ALLOW);
    }
    const rights = acls.map((a) => [a.resourceType, a.resourceName, a.operation]);
    expect(rights).toEqual([
      [AclResourceTypes.TOPIC, "geo-events", AclOperationTypes.READ],
      [AclResourceTypes.GROUP, "geoanomaly-detector", AclOperationTypes.READ],
      [AclResourceTypes.TOPIC, "geo-anomalies", AclOperationTypes.WRITE],
      [AclResourceTypes.TOPIC, "geo-events.dlq", AclOperationTypes.WRITE],
    ]);
  });

  it("makes no role but the admin a Cassandra superuser; only the schema role may create", () => {
    const statements = roleStatements(secrets);
    expect(statements.join("\n")).not.toMatch(/SUPERUSER/);
    expect(statements).toContain("GRANT CREATE ON ALL KEYSPACES TO geoanomaly_schema");
    expect(statements.filter((s) => s.startsWith("GRANT"))).toHaveLength(1);
    expect(statements[0]).toMatch(/^ALTER ROLE cassandra .* LOGIN = false$/);
    expect(keyspaceGrants("geoanomaly")).toEqual([
      "GRANT SELECT ON KEYSPACE geoanomaly TO geoanomaly",
      "GRANT MODIFY ON KEYSPACE geoanomaly TO geoanomaly",
      "GRANT SELECT ON KEYSPACE geoanomaly TO geoanomaly_api",
    ]);
    expect(() => keyspaceGrants("x; DROP KEYSPACE y")).toThrow(/CQL identifier/);
  });

  it("gives each role its own login: no Kafka login for the schema and API roles", () => {
    const root = mkdtempSync(path.join(tmpdir(), "geoanomaly-roles-"));
    const env = (role: "detector" | "schema" | "api" | "admin"): Record<string, string> =>
      Object.fromEntries(
        clientSettings(SINGLE_NODE_SECURE, root, secrets, role).map((s) => [s.name, s.value]),
      );
    expect(env("detector")).toMatchObject({
      KAFKA_USERNAME: "geoanomaly",
      KAFKA_PASSWORD: "detector-kafka",
      CASSANDRA_USERNAME: "geoanomaly",
    });
    expect(env("schema")).toMatchObject({
      CASSANDRA_USERNAME: ROLE_USERS.schema,
      CASSANDRA_PASSWORD: "schema-pw",
      CASSANDRA_TLS: "true",
    });
    expect(env("schema")["KAFKA_USERNAME"]).toBeUndefined();
    expect(env("api")).toMatchObject({ CASSANDRA_USERNAME: "geoanomaly_api" });
    expect(env("api")["KAFKA_PASSWORD"]).toBeUndefined();
    expect(env("admin")).toMatchObject({ KAFKA_USERNAME: "geoanomaly_admin" });
  });
});

describe("the servers tool's own clients", () => {
  it("verify every node's certificate against the stack's CA", () => {
    const access = { secure: true, caPem: "-----BEGIN CERTIFICATE-----", secrets };
    const cassandra = toolCassandraOptions(access, "127.0.0.41:9042");
    expect(cassandra.sslOptions).toEqual({
      ca: ["-----BEGIN CERTIFICATE-----"],
      rejectUnauthorized: true,
    });
    const kafka = toolKafkaConfig(access, ["127.0.0.41:9092"]);
    expect(kafka.ssl).toEqual({ ca: ["-----BEGIN CERTIFICATE-----"], rejectUnauthorized: true });
    expect(kafka.sasl).toMatchObject({ username: "geoanomaly_admin", mechanism: "scram-sha-512" });
  });

  it("refuse to talk to a secured stack without its CA rather than trust anything", () => {
    const access = { secure: true, secrets };
    expect(() => toolCassandraOptions(access, "127.0.0.41:9042")).toThrow(/no CA certificate/);
    expect(() => toolKafkaConfig(access, ["127.0.0.41:9092"])).toThrow(/no CA certificate/);
    expect(toolKafkaConfig({ secure: false }, ["127.0.0.1:9092"]).ssl).toBeUndefined();
  });

  it("ask for a reset of a stack secured before the roles were separated", () => {
    const root = mkdtempSync(path.join(tmpdir(), "geoanomaly-old-secure-"));
    mkdirSync(securePaths(root).dir, { recursive: true });
    writeFileSync(
      securePaths(root).secrets,
      JSON.stringify({ storePassword: "s", kafkaPassword: "k", cassandraPassword: "c" }),
    );
    expect(() => ensureSecrets(root)).toThrow(/servers reset/);
    const fresh = ensureSecrets(mkdtempSync(path.join(tmpdir(), "geoanomaly-new-secure-")));
    expect(Object.keys(fresh)).toHaveLength(7);
    expect(new Set(Object.values(fresh)).size).toBe(7);
  });
});
