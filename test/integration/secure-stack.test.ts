import { configuredLayout } from "../../src/config/layout.js";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDetectorApp } from "../../src/app.js";
import { createCassandraClient } from "../../src/cassandra/client.js";
import { loadConfig, type Config, type ConfigOverrides } from "../../src/config/load.js";
import type { AnomalyAlert } from "../../src/domain/alert.js";
import { createLogger } from "../../src/observability/logger.js";
import { findJava17 } from "../../src/servers/java.js";
import { serversDown, serversUp } from "../../src/servers/local.js";
import { REPO_ROOT, stateDir } from "../../src/servers/paths.js";
import { generateCa, keytoolOf } from "../../src/servers/secure.js";
import { collectTopic, counter, eventsAt, produceEvents, waitFor } from "../support/detector.js";
import { uniqueName } from "../support/helpers.js";

/**
 * A secured stack of its own (Kafka SASL/SCRAM-SHA-512 over TLS, Cassandra password
 * authentication and client TLS, certificates from a CA made at start), beside whatever the
 * other tests use: its own state folder and loopback addresses 127.0.0.41.
 */
const ROOT = path.join(stateDir(), "secure-test");
const OFFSET = 40;
const log = (line: string): void => console.log(`[secure] ${line}`);

let settings: Record<string, string> = {};
let startedHere = false;

beforeAll(async () => {
  const up = await serversUp(log, ROOT, { secure: true, loopbackOffset: OFFSET });
  startedHere = up.nodes.some((n) => n.started);
  for (const line of readFileSync(up.clientEnvFile, "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) settings[m[1]] = m[2];
  }
}, 600_000);

afterAll(async () => {
  if (startedHere) await serversDown(log, ROOT);
  settings = {};
}, 120_000);

/** A config for the secured stack with this test's own topics, keyspace and group. */
function secureConfig(overrides: ConfigOverrides = {}): Config {
  const base = uniqueName("sec");
  return loadConfig(
    {
      cassandraKeyspace: base.toLowerCase(),
      inputTopic: `${base}.events`,
      deadLetterTopic: `${base}.dlq`,
      alertTopic: `${base}.alerts`,
      groupId: `${base}.group`,
      topicPartitions: "2",
      metricsPort: "0",
      sessionTimeoutMs: "10000",
      logLevel: "info",
      ...overrides,
    },
    settings,
  );
}

function capture(): { text: () => string; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  return { text: () => chunks.join(""), stream };
}

describe("the detector against secured Kafka and Cassandra", () => {
  it("stores, scores and alerts end to end, and never shows a password", async () => {
    const config = secureConfig();
    expect(config.kafkaSaslMechanism).toBe("scram-sha-512");
    expect(config.kafkaTls && config.cassandraTls).toBe(true);
    const logs = capture();
    const app = await startDetectorApp(
      config,
      createLogger({ level: "info", destination: logs.stream }),
    );
    try {
      const alerts = await collectTopic(config, config.alertTopic);
      await produceEvents(config, eventsAt("normal", 48.8566, 2.3522, 60));
      await waitFor(
        "60 events checked",
        async () => (await counter(app, "geoanomaly_checks_total")) >= 60,
      );
      const spike = {
        id: "spike-secure",
        lat: 48.85661,
        lon: 2.35221,
        value: 35,
        time: new Date(Date.now() - 20_000).toISOString(),
      };
      await produceEvents(config, [spike]);
      await waitFor("the alert", () => alerts.length >= 1, 30_000);
      const alert = JSON.parse(alerts[0]?.value?.toString() ?? "{}") as AnomalyAlert;
      expect(alert.event.id).toBe("spike-secure");

      const client = createCassandraClient(config);
      await client.connect();
      const finest = configuredLayout(config)[0]?.length ?? 8;
      const rows = await client.execute(
        `SELECT count(*) AS n FROM ${config.cassandraKeyspace}.events_l${finest}`,
      );
      expect(Number(rows.first()["n"])).toBe(61);
      expect(await counter(app, "geoanomaly_events_stored_total")).toBe(61);
      const metricsText = await app.metrics.registry.metrics();
      for (const secret of [config.kafkaPassword, config.cassandraPassword]) {
        expect(secret.length).toBeGreaterThan(8);
        expect(logs.text()).not.toContain(secret);
        expect(metricsText).not.toContain(secret);
      }
      expect(logs.text()).toContain('"kafkaPassword":"***"');
      await client.execute(`DROP KEYSPACE ${config.cassandraKeyspace}`);
      await client.shutdown();
    } finally {
      await app.stop();
    }
  });

  it("refuses to start on a wrong Kafka password, naming the settings, not the password", async () => {
    const config = secureConfig({ kafkaPassword: "not-the-password" });
    const start = startDetectorApp(config, createLogger({ level: "silent" }));
    await expect(start).rejects.toMatchObject({ code: "AUTH_FAILED" });
    await expect(start).rejects.toThrow(/KAFKA_PASSWORD/);
    await expect(start).rejects.not.toThrow(/not-the-password/);
  });

  it("refuses to start on a wrong Cassandra password, naming the settings", async () => {
    const config = secureConfig({ cassandraPassword: "not-the-password" });
    const start = startDetectorApp(config, createLogger({ level: "silent" }));
    await expect(start).rejects.toMatchObject({ code: "AUTH_FAILED" });
    await expect(start).rejects.toThrow(/CASSANDRA_PASSWORD/);
    await expect(start).rejects.not.toThrow(/not-the-password/);
  });

  it("refuses certificates signed by another CA, naming the CA file setting", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "geoanomaly-other-ca-"));
    const otherCa = path.join(dir, "other-ca.pem");
    generateCa(keytoolOf(findJava17()), path.join(dir, "ca.p12"), otherCa, "other-pass", "other");
    const quiet = createLogger({ level: "silent" });
    const cassandra = startDetectorApp(secureConfig({ cassandraCaFile: otherCa }), quiet);
    await expect(cassandra).rejects.toMatchObject({ code: "TLS_FAILED" });
    await expect(cassandra).rejects.toThrow(/CASSANDRA_CA_FILE/);
    const kafka = startDetectorApp(secureConfig({ kafkaCaFile: otherCa }), quiet);
    await expect(kafka).rejects.toMatchObject({ code: "TLS_FAILED" });
    await expect(kafka).rejects.toThrow(/KAFKA_CA_FILE/);
  });

  it("as a process, stops at start with one warning-or-worse line that names the setting", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...settings,
      KAFKA_PASSWORD: "not-the-password",
      METRICS_PORT: "0",
      LOG_LEVEL: "info",
      CASSANDRA_KEYSPACE: uniqueName("sec").toLowerCase(),
    };
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(REPO_ROOT, "test/support/run-cli.ts"), "detect"],
      { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    // Info lines about the start may come first; the failure itself is one line.
    const failures = out
      .split("\n")
      .filter((l) => l.trim() !== "")
      .filter((l) => !l.startsWith("{") || (JSON.parse(l) as { level: number }).level >= 40);
    expect(code).toBe(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/KAFKA_PASSWORD/);
    expect(out).not.toContain("not-the-password");
  });
});
