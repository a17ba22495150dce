import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, redactedConfig, withoutSecrets } from "../../../src/config/load.js";
import { kafkaSecurity } from "../../../src/kafka/client.js";

const caFile = (): string => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "geoanomaly-ca-")), "ca.pem");
  writeFileSync(file, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  return file;
};

describe("security settings", () => {
  it("default to no authentication and no TLS", () => {
    const c = loadConfig({}, {});
    expect([c.kafkaSaslMechanism, c.kafkaTls, c.cassandraTls]).toEqual(["", false, false]);
    expect(kafkaSecurity(c)).toEqual({});
  });

  it("build kafkajs SASL and TLS options with the CA file", () => {
    const ca = caFile();
    const c = loadConfig(
      {},
      {
        KAFKA_SASL_MECHANISM: "scram-sha-512",
        KAFKA_USERNAME: "u",
        KAFKA_PASSWORD: "p4ssw0rd",
        KAFKA_TLS: "true",
        KAFKA_CA_FILE: ca,
      },
    );
    const sec = kafkaSecurity(c);
    expect(sec.sasl).toEqual({ mechanism: "scram-sha-512", username: "u", password: "p4ssw0rd" });
    expect(sec.ssl).toMatchObject({
      rejectUnauthorized: true,
      ca: [expect.stringContaining("BEGIN")],
    });
  });

  it("fail at start, naming the setting, on combinations that cannot work", () => {
    expect(() => loadConfig({}, { KAFKA_SASL_MECHANISM: "scram-sha-512" })).toThrow(
      /KAFKA_USERNAME .* must be set when KAFKA_SASL_MECHANISM/,
    );
    expect(() => loadConfig({}, { CASSANDRA_CA_FILE: caFile() })).toThrow(
      /CASSANDRA_CA_FILE .* CASSANDRA_TLS is false/,
    );
    expect(() => loadConfig({}, { KAFKA_TLS: "true", KAFKA_CA_FILE: "/nowhere/ca.pem" })).toThrow(
      /KAFKA_CA_FILE .* no readable file/,
    );
    expect(() => loadConfig({}, { KAFKA_TLS: "yes" })).toThrow(/KAFKA_TLS .* true or false/);
    expect(() => loadConfig({}, { KAFKA_SASL_MECHANISM: "gssapi" })).toThrow(
      /KAFKA_SASL_MECHANISM/,
    );
  });

  it("never repeat a password: not in the start-up line, not in error messages", () => {
    const c = loadConfig(
      {},
      {
        KAFKA_SASL_MECHANISM: "plain",
        KAFKA_USERNAME: "u",
        KAFKA_PASSWORD: "kafka-secret",
        KAFKA_TLS: "true",
        CASSANDRA_USERNAME: "u",
        CASSANDRA_PASSWORD: "cassandra-secret",
        CASSANDRA_TLS: "true",
      },
    );
    const shown = JSON.stringify(redactedConfig(c));
    expect(shown).not.toMatch(/kafka-secret|cassandra-secret/);
    expect(shown).toContain('"kafkaPassword":"***"');
    expect(withoutSecrets("login kafka-secret / cassandra-secret failed", c)).toBe(
      "login *** / *** failed",
    );
  });
});
