/**
 * The one place the local-server tooling reads the environment: where its state lives, which
 * Java and Maven to use, the server heaps, the loopback offset of a second stack, and endpoints
 * that make local servers unnecessary.
 */
export interface ServerEnvironment {
  readonly stateDir: string | undefined;
  readonly javaHomes: readonly (string | undefined)[];
  readonly mvn: string;
  readonly kafkaHeap: string;
  readonly cassandraHeap: string;
  readonly kafkaBrokers: string | undefined;
  readonly cassandraContactPoints: string | undefined;
  readonly cassandraLocalDc: string | undefined;
  /** GEOANOMALY_LOOPBACK_OFFSET as typed (validated where a stack's topology is built). */
  readonly loopbackOffset: string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

export function serverEnvironment(env: NodeJS.ProcessEnv = process.env): ServerEnvironment {
  return {
    stateDir: nonEmpty(env["GEOANOMALY_STATE_DIR"]),
    javaHomes: [nonEmpty(env["GEOANOMALY_JAVA_HOME"]), nonEmpty(env["JAVA_HOME"])],
    mvn: nonEmpty(env["GEOANOMALY_MVN"]) ?? "mvn",
    kafkaHeap: nonEmpty(env["GEOANOMALY_KAFKA_HEAP"]) ?? "512m",
    cassandraHeap: nonEmpty(env["GEOANOMALY_CASSANDRA_HEAP"]) ?? "1G",
    kafkaBrokers: nonEmpty(env["KAFKA_BROKERS"]),
    cassandraContactPoints: nonEmpty(env["CASSANDRA_CONTACT_POINTS"]),
    cassandraLocalDc: nonEmpty(env["CASSANDRA_LOCAL_DC"]),
    loopbackOffset: nonEmpty(env["GEOANOMALY_LOOPBACK_OFFSET"]),
  };
}
