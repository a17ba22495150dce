import cassandra from "cassandra-driver";
import { describe, expect, it } from "vitest";
import { cassandraAccessError } from "../../../src/cassandra/access-check.js";
import { unreachableError } from "../../../src/config/access-errors.js";
import { loadConfig } from "../../../src/config/load.js";
import { tlsVerifyReason } from "../../../src/errors.js";
import { kafkaAccessError } from "../../../src/kafka/access-check.js";

const config = loadConfig(
  {},
  {
    KAFKA_SASL_MECHANISM: "scram-sha-512",
    KAFKA_USERNAME: "geo",
    KAFKA_PASSWORD: "hunter22",
    KAFKA_TLS: "true",
    CASSANDRA_USERNAME: "geo",
    CASSANDRA_PASSWORD: "hunter22",
    CASSANDRA_TLS: "true",
  },
);

function tlsError(): Error {
  return Object.assign(new Error("self-signed certificate in certificate chain"), {
    code: "SELF_SIGNED_CERT_IN_CHAIN",
  });
}

/** An error as kafkajs raises it: its class shows in `name`. */
function kafkaJsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

describe("start-up access errors", () => {
  it.each([
    [
      "a refused Kafka login names the credential settings",
      kafkaJsError(
        "KafkaJSSASLAuthenticationError",
        "SASL SCRAM SHA512 authentication failed: invalid credentials",
      ),
      "AUTH_FAILED",
      /KAFKA_USERNAME, KAFKA_PASSWORD/,
    ],
    [
      "an untrusted broker certificate asks for KAFKA_CA_FILE",
      kafkaJsError(
        "KafkaJSConnectionError",
        "Connection error: self-signed certificate in certificate chain",
      ),
      "TLS_FAILED",
      /set KAFKA_CA_FILE/,
    ],
  ] as const)("%s, never the password", (_what, err, code, says) => {
    const e = kafkaAccessError(err, config);
    expect(e?.code).toBe(code);
    expect(e?.message).toMatch(says);
    expect(e?.message).not.toContain("hunter22");
  });

  it("Cassandra's refusals are found among the driver's per-host errors", () => {
    const auth = new cassandra.errors.NoHostAvailableError({
      "127.0.0.1:9042": new cassandra.errors.AuthenticationError(
        "Provided username geo and/or password are incorrect",
      ),
    });
    const a = cassandraAccessError(auth, config);
    expect(a?.code).toBe("AUTH_FAILED");
    expect(a?.message).toMatch(/CASSANDRA_USERNAME and CASSANDRA_PASSWORD/);
    const tls = new cassandra.errors.NoHostAvailableError({ "127.0.0.1:9042": tlsError() });
    const e = cassandraAccessError(tls, config);
    expect(e?.code).toBe("TLS_FAILED");
    expect(e?.message).toMatch(
      /\(self-signed certificate in certificate chain\): set CASSANDRA_CA_FILE/,
    );
  });

  it("other failures are not access errors", () => {
    expect(kafkaAccessError(new Error("Connection timeout"), config)).toBeUndefined();
    expect(cassandraAccessError(new Error("ECONNREFUSED"), config)).toBeUndefined();
    expect(tlsVerifyReason(new Error("ECONNREFUSED"))).toBeUndefined();
  });

  it("an unreachable server names its address and TLS settings, retriable and without secrets", () => {
    const refused = new Error("connect ECONNREFUSED 127.0.0.1:9092 (password hunter22)");
    const kafka = unreachableError(refused, "kafka", config);
    expect(kafka.code).toBe("BUS_PUBLISH_FAILED");
    expect(kafka.retriable).toBe(true);
    expect(kafka.message).toMatch(
      /^could not talk to Kafka at [^ ]+ \(KAFKA_BROKERS\): .*ECONNREFUSED.*; is KAFKA_TLS right for these brokers\?$/,
    );
    expect(kafka.message).not.toContain("hunter22");
    const plain = loadConfig({}, {});
    const cassandra = unreachableError(refused, "cassandra", plain);
    expect(cassandra.code).toBe("STORE_READ_FAILED");
    expect(cassandra.message).toMatch(
      /^could not connect to Cassandra at [^ ]+ \(CASSANDRA_CONTACT_POINTS\): .*; if the nodes require TLS, set CASSANDRA_TLS=true$/,
    );
  });
});
