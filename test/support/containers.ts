import type { Endpoints } from "../../src/servers/endpoints.js";

/** A running pair of containers and how to stop them. */
export interface ContainerEndpoints {
  readonly endpoints: Endpoints;
  stop(): Promise<void>;
}

/**
 * Kafka and Cassandra in containers when a Docker engine is reachable;
 * undefined when there is none or a container fails to start (the caller
 * falls back to local servers).
 */
export async function tryContainers(
  log: (line: string) => void,
): Promise<ContainerEndpoints | undefined> {
  const { getContainerRuntimeClient } = await import("testcontainers");
  try {
    await getContainerRuntimeClient();
  } catch {
    log("no Docker engine reachable: using the local jar-based servers");
    return undefined;
  }
  const { KafkaContainer } = await import("@testcontainers/kafka");
  const { CassandraContainer } = await import("@testcontainers/cassandra");
  try {
    const [kafka, cassandra] = await Promise.all([
      new KafkaContainer("confluentinc/cp-kafka:7.9.0").withKraft().start(),
      new CassandraContainer("cassandra:5.0")
        .withEnvironment({ MAX_HEAP_SIZE: "1G", HEAP_NEWSIZE: "200M" })
        .start(),
    ]);
    return {
      endpoints: {
        kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
        cassandraContactPoints: [cassandra.getContactPoint()],
        cassandraLocalDc: cassandra.getDatacenter(),
        source: "containers",
      },
      async stop() {
        await Promise.all([kafka.stop(), cassandra.stop()]);
      },
    };
  } catch (err) {
    log(`containers failed to start (${String(err)}): using the local jar-based servers`);
    return undefined;
  }
}
