import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { secretFilePairs, secretFromFileText } from "../../../src/config/secrets.js";
import { SETTINGS } from "../../../src/config/settings.js";

const secretFile = (text: string): string => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "geoanomaly-secret-")), "password");
  writeFileSync(file, text, { mode: 0o600 });
  return file;
};

const kafkaLogin = { KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_USERNAME: "u" };
const cassandraLogin = { CASSANDRA_USERNAME: "u" };
const overTls = { KAFKA_TLS: "true", CASSANDRA_TLS: "true" };

describe("secret settings", () => {
  it("have a _FILE twin for every secret, documented as not secret itself", () => {
    const { pairs, unpaired } = secretFilePairs();
    expect(unpaired).toEqual([]);
    expect(pairs.map((p) => SETTINGS[p.file].env).sort()).toEqual([
      "CASSANDRA_PASSWORD_FILE",
      "KAFKA_PASSWORD_FILE",
    ]);
    for (const p of pairs)
      expect((SETTINGS[p.file] as { secret?: boolean }).secret).toBeUndefined();
  });

  it("read a password from its file, dropping exactly one trailing newline", () => {
    const c = loadConfig(
      {},
      {
        ...kafkaLogin,
        ...cassandraLogin,
        ...overTls,
        KAFKA_PASSWORD_FILE: secretFile("kafka pass\n"),
        CASSANDRA_PASSWORD_FILE: secretFile("cassandra-pass\n\n"),
      },
    );
    expect(c.kafkaPassword).toBe("kafka pass");
    expect(c.cassandraPassword).toBe("cassandra-pass\n");
    expect(secretFromFileText("pw\r\n")).toBe("pw");
    expect(secretFromFileText(" pw ")).toBe(" pw ");
    // A flag names the file as well as the variable does.
    const flagged = loadConfig(
      { kafkaPasswordFile: secretFile("from-flag") },
      { ...kafkaLogin, ...overTls },
    );
    expect(flagged.kafkaPassword).toBe("from-flag");
  });

  it("refuse a password given twice, an unreadable file and an empty one, never quoting a secret", () => {
    const both = (): unknown =>
      loadConfig(
        {},
        {
          ...kafkaLogin,
          ...overTls,
          KAFKA_PASSWORD: "inline-secret",
          KAFKA_PASSWORD_FILE: secretFile("file-secret\n"),
        },
      );
    expect(both).toThrow(/KAFKA_PASSWORD \(--kafka-password\) and KAFKA_PASSWORD_FILE .* both set/);
    expect(both).not.toThrow(/inline-secret|file-secret/);
    expect(() =>
      loadConfig({}, { ...cassandraLogin, ...overTls, CASSANDRA_PASSWORD_FILE: "/nowhere/pw" }),
    ).toThrow(/CASSANDRA_PASSWORD_FILE .*"\/nowhere\/pw": no readable file/);
    expect(() =>
      loadConfig({}, { ...cassandraLogin, ...overTls, CASSANDRA_PASSWORD_FILE: secretFile("\n") }),
    ).toThrow(/CASSANDRA_PASSWORD_FILE .* the file is empty/);
  });

  it("refuse a login over a connection without TLS, naming the settings, unless allowed", () => {
    const kafka = (): unknown => loadConfig({}, { ...kafkaLogin, KAFKA_PASSWORD: "secret-1" });
    expect(kafka).toThrow(/KAFKA_SASL_MECHANISM .* without TLS: set KAFKA_TLS=true/);
    expect(kafka).toThrow(/ALLOW_PLAINTEXT_CREDENTIALS=true/);
    expect(kafka).not.toThrow(/secret-1/);
    expect(() => loadConfig({}, { ...cassandraLogin, CASSANDRA_PASSWORD: "secret-2" })).toThrow(
      /CASSANDRA_USERNAME .* CASSANDRA_PASSWORD over a connection without TLS: set CASSANDRA_TLS=true/,
    );
    const allowed = loadConfig(
      {},
      { ...kafkaLogin, ...cassandraLogin, ALLOW_PLAINTEXT_CREDENTIALS: "true" },
    );
    expect([allowed.kafkaTls, allowed.cassandraTls]).toEqual([false, false]);
    expect(loadConfig({}, { ...kafkaLogin, ...cassandraLogin, ...overTls }).kafkaTls).toBe(true);
    // No login, no credentials to protect: plaintext stays the default for local servers.
    expect(loadConfig({}, {}).allowPlaintextCredentials).toBe(false);
    expect(() => loadConfig({}, { ALLOW_PLAINTEXT_CREDENTIALS: "yes" })).toThrow(
      /ALLOW_PLAINTEXT_CREDENTIALS .* true or false/,
    );
  });
});
