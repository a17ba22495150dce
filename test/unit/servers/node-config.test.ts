import { describe, expect, it } from "vitest";
import { cassandraYaml } from "../../../src/servers/cassandra-config.js";
import { kafkaServerProperties } from "../../../src/servers/kafka-config.js";
import { newClusterId } from "../../../src/servers/kafka.js";
import { serverPaths } from "../../../src/servers/paths.js";
import { nodeRef, SINGLE_NODE } from "../../../src/servers/topology.js";
import { expectToContainAll } from "../../support/assertions.js";

const three = { ...SINGLE_NODE, kafkaBrokers: 3, cassandraNodes: 3, loopbackOffset: 10 };
const secrets = {
  storePassword: "store-pass",
  kafkaPassword: "kafka-pass",
  cassandraPassword: "c",
  cassandraAdminPassword: "a",
  adminPassword: "admin-pass",
  schemaPassword: "schema-pass",
  apiPassword: "api-pass",
};

describe("node configuration", () => {
  it("makes every broker of a cluster a controller voter, with RF 3 and min.insync 2", () => {
    const node = nodeRef("kafka", 2, three);
    const props = kafkaServerProperties(node, three, serverPaths(node, "/state"));
    expectToContainAll(props, [
      "controller.quorum.voters=1@127.0.0.11:9093,2@127.0.0.12:9093,3@127.0.0.13:9093",
      "node.id=2",
      "listeners=PLAINTEXT://127.0.0.12:9092,CONTROLLER://127.0.0.12:9093",
      "default.replication.factor=3",
      "min.insync.replicas=2",
      "offsets.topic.replication.factor=3",
    ]);
  });

  it("secures the client and inter-broker listener with SCRAM-SHA-512 over TLS", () => {
    const single = { ...three, kafkaBrokers: 1, secure: true };
    const node = nodeRef("kafka", 1, single);
    const props = kafkaServerProperties(node, single, serverPaths(node, "/state"), {
      keystore: "/state/secure/node.p12",
      truststore: "/state/secure/truststore.p12",
      secrets,
    });
    expect(props).toContain("advertised.listeners=SASL_SSL://127.0.0.11:9092");
    expect(props).toContain("inter.broker.listener.name=SASL_SSL");
    expect(props).toContain("sasl.enabled.mechanisms=SCRAM-SHA-512");
    expect(props).toContain("min.insync.replicas=1");
  });

  it("points Cassandra nodes at the first node as seed and requires logins and TLS when secured", () => {
    const node = nodeRef("cassandra", 3, three);
    const yaml = cassandraYaml(serverPaths(node, "/state"), {
      host: node.host,
      seeds: ["127.0.0.11"],
      clusterNodes: 3,
      commitlogSync: "group",
      concurrentWrites: 32,
      tls: { keystore: "/state/secure/node.p12", password: "store-pass" },
    });
    expect(yaml).toContain('- seeds: "127.0.0.11"');
    expect(yaml).toContain("listen_address: 127.0.0.13");
    expect(yaml).toContain("auto_bootstrap: false");
    expect(yaml).toContain("commitlog_sync: group");
    expect(yaml).toContain("authenticator: PasswordAuthenticator");
    expect(yaml).toContain("authorizer: CassandraAuthorizer");
    expect(yaml).toMatch(/client_encryption_options:\n {2}enabled: true\n {2}optional: false/);
  });

  it("never makes a Kafka cluster id that a command line would read as an option", () => {
    // 0xfb bytes encode to "-…" in base64url: the first draw must be rejected.
    const draws = [Buffer.alloc(16, 0xfb), Buffer.alloc(16, 0x41)];
    const id = newClusterId(() => draws.shift() ?? Buffer.alloc(16, 0x42));
    expect(Buffer.alloc(16, 0xfb).toString("base64url").startsWith("-")).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x41).toString("base64url"));
    expect(id).toHaveLength(22);
    for (let i = 0; i < 2000; i += 1) expect(newClusterId().startsWith("-")).toBe(false);
  });
});
