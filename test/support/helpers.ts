import { randomBytes } from "node:crypto";
import cassandra from "cassandra-driver";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { inject, onTestFinished } from "vitest";
import type { Config } from "../../src/config/load.js";
import type { Endpoints } from "../../src/servers/endpoints.js";
import { ensureTopics } from "../../src/kafka/topics.js";

/** The endpoints the global setup resolved (environment, containers or local servers). */
export function endpoints(): Endpoints {
  return inject("endpoints");
}

/** A name no other test run uses: topics and keyspaces of parallel runs never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

export function kafkaClient(clientId = uniqueName("test")): Kafka {
  return new Kafka({ clientId, brokers: [...endpoints().kafkaBrokers], logLevel: logLevel.ERROR });
}

/** Creates topics for this test and deletes them when it finishes. */
export async function createTopics(names: readonly string[], partitions = 1): Promise<void> {
  const admin: Admin = kafkaClient().admin();
  await admin.connect();
  await ensureTopics(
    admin,
    names.map((topic) => ({ topic, partitions })),
    1,
  );
  onTestFinished(async () => {
    await admin.deleteTopics({ topics: [...names] }).catch(() => undefined);
    await admin.disconnect();
  });
}

/** A connected Cassandra client, shut down when the test finishes. */
export async function cassandraClient(keyspace?: string): Promise<cassandra.Client> {
  const e = endpoints();
  const client = new cassandra.Client({
    contactPoints: [...e.cassandraContactPoints],
    localDataCenter: e.cassandraLocalDc,
    ...(keyspace === undefined ? {} : { keyspace }),
  });
  await client.connect();
  onTestFinished(() => client.shutdown());
  return client;
}

/** Creates a keyspace for this test and drops it when the test finishes. */
export async function createKeyspace(prefix = "test"): Promise<string> {
  const name = uniqueName(prefix).toLowerCase();
  const client = await cassandraClient();
  await client.execute(
    `CREATE KEYSPACE ${name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  onTestFinished(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${name}`).catch(() => undefined);
  });
  return name;
}

/** Creates the test's topics up front (so producers never race the detector), deleted afterwards. */
export async function createTestTopics(config: Config): Promise<void> {
  await createTopics(
    [config.inputTopic, config.deadLetterTopic, config.alertTopic],
    config.topicPartitions,
  );
}
