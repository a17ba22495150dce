import { describe, expect, it } from "vitest";
import { endpointsFromEnv } from "../../../src/servers/endpoints.js";
import { serverEnvironment } from "../../../src/servers/environment.js";

describe("local server environment", () => {
  it("has defaults and treats empty variables as unset", () => {
    const env = serverEnvironment({ GEOANOMALY_STATE_DIR: "", JAVA_HOME: "/opt/jdk17" });
    expect(env.stateDir).toBeUndefined();
    expect(env.javaHomes).toEqual([undefined, "/opt/jdk17"]);
    expect(env.mvn).toBe("mvn");
    expect(env.kafkaHeap).toBe("512m");
    expect(env.cassandraHeap).toBe("1G");
  });

  it("gives endpoints only when both Kafka and Cassandra are set", () => {
    expect(endpointsFromEnv(serverEnvironment({ KAFKA_BROKERS: "a:9092" }))).toBeUndefined();
    expect(
      endpointsFromEnv(
        serverEnvironment({ KAFKA_BROKERS: "a:9092, b:9092", CASSANDRA_CONTACT_POINTS: "c" }),
      ),
    ).toEqual({
      kafkaBrokers: ["a:9092", "b:9092"],
      cassandraContactPoints: ["c"],
      cassandraLocalDc: "datacenter1",
      source: "env",
    });
  });
});
