import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDetectorApp } from "../../src/app/detector-app.js";
import { createCassandraClient } from "../../src/cassandra/client.js";
import { applySchema } from "../../src/cassandra/schema.js";
import { configuredLayout } from "../../src/config/layout.js";
import { loadConfig, type Config, type ConfigOverrides } from "../../src/config/load.js";
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";
import { createLogger } from "../../src/observability/logger.js";
import { grantProductAccess } from "../../src/servers/grants.js";
import { findJava17 } from "../../src/servers/java.js";
import { serversDown, serversUp } from "../../src/servers/local.js";
import { REPO_ROOT, roleEnvFile, stateDir } from "../../src/servers/paths.js";
import type { RoleName } from "../../src/servers/roles.js";
import { generateCa, keytoolOf } from "../../src/servers/secure.js";
import { collectTopic, kafkaFor, produceEvents, testNames } from "../support/detector.js";
import { counter, waitFor } from "../support/wait.js";
import { eventsAt } from "../support/events.js";
import { uniqueName } from "../support/helpers.js";
import { dropKeyspace } from "../support/query.js";

/**
 * A secured stack of its own (Kafka SASL/SCRAM-SHA-512 over TLS with ACLs, Cassandra password
 * authentication with roles and client TLS, certificates from a CA made at start), beside
 * whatever the other tests use: its own state folder and loopback addresses 127.0.0.41. Each role
 * of the stack has its own settings: the detector's (client.env), the schema role's, the API's,
 * and the admin's, which only the tools (here: the feed and the alert reader) use.
 */
/** 40 (127.0.0.41); GEOANOMALY_SECURE_TEST_OFFSET moves it when another stack holds that address. */
const OFFSET = Number(process.env["GEOANOMALY_SECURE_TEST_OFFSET"] ?? "40");
const ROOT = path.join(stateDir(), OFFSET === 40 ? "secure-test" : `secure-test-${OFFSET}`);
const log = (line: string): void => console.log(`[secure] ${line}`);

const ROLES: readonly RoleName[] = ["detector", "schema", "api", "admin"];
let roles: Partial<Record<RoleName, Record<string, string>>> = {};
let settings: Record<string, string> = {};
let startedHere = false;

function readEnv(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

beforeAll(async () => {
  const up = await serversUp(log, ROOT, { secure: true, loopbackOffset: OFFSET }).catch(
    async (err: unknown) => {
      await serversDown(log, ROOT); // a stack that failed to set up is not left running
      throw err;
    },
  );
  startedHere = up.nodes.some((n) => n.started);
  roles = Object.fromEntries(ROLES.map((r) => [r, readEnv(roleEnvFile(ROOT, r))]));
  settings = roles.detector ?? {};
}, 600_000);

afterAll(async () => {
  if (startedHere) await serversDown(log, ROOT);
  settings = {};
  roles = {};
}, 120_000);

/** A config for the secured stack as `role`, with this test's names. */
function secureConfig(
  overrides: ConfigOverrides = {},
  role: RoleName = "detector",
  env: Record<string, string> = roles[role] ?? {},
): Config {
  return loadConfig(
    {
      ...testNames("sec"),
      metricsPort: "0",
      sessionTimeoutMs: "10000",
      logLevel: "info",
      ...overrides,
    },
    env,
  );
}

/** The config of another role with the same names as `config`. */
function asRole(config: Config, role: RoleName): Config {
  return secureConfig(
    {
      cassandraKeyspace: config.cassandraKeyspace,
      inputTopic: config.inputTopic,
      deadLetterTopic: config.deadLetterTopic,
      alertTopic: config.alertTopic,
      groupId: config.groupId,
    },
    role,
  );
}

/** `servers grant` for the config's names; returns the schema role's config. */
async function grant(config: Config): Promise<Config> {
  await grantProductAccess(ROOT, {
    inputTopic: config.inputTopic,
    alertTopic: config.alertTopic,
    deadLetterTopic: config.deadLetterTopic,
    groupId: config.groupId,
    keyspace: config.cassandraKeyspace,
    topicPartitions: config.topicPartitions,
  });
  return asRole(config, "schema");
}

/**
 * What an operator does before a detector with new names starts: the admin makes its topics,
 * ACLs, keyspace and grants (`servers grant`), the schema role creates the tables
 * (`schema apply`). The detector itself may create nothing.
 */
async function provision(config: Config): Promise<Config> {
  const schema = await grant(config);
  const client = createCassandraClient(schema);
  try {
    await client.connect();
    await applySchema(
      client,
      configuredLayout(schema),
      schema.cassandraKeyspace,
      schema.cassandraReplication,
    );
  } finally {
    await client.shutdown();
  }
  return schema;
}

/** The Kafka protocol error type of `err` or of the error it wraps (kafkajs wraps some). */
function kafkaErrorType(err: unknown): unknown {
  const e = err as { type?: unknown; cause?: { type?: unknown } };
  return e.type ?? e.cause?.type;
}

/** Password files as a secrets mount would hold them (one trailing newline). */
function passwordFiles(env: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), "geoanomaly-secrets-"));
  const out: Record<string, string> = { ...env };
  for (const name of ["KAFKA_PASSWORD", "CASSANDRA_PASSWORD"]) {
    const file = path.join(dir, name.toLowerCase());
    writeFileSync(file, `${env[name] ?? ""}\n`, { mode: 0o600 });
    delete out[name];
    out[`${name}_FILE`] = file;
  }
  return out;
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
  it("stores, scores and alerts end to end with the detector's rights only, passwords from files, never shown", async () => {
    const config = secureConfig({}, "detector", passwordFiles(settings));
    expect(config.kafkaSaslMechanism).toBe("scram-sha-512");
    expect(config.kafkaTls && config.cassandraTls).toBe(true);
    expect(config.kafkaPassword).toBe(settings["KAFKA_PASSWORD"]);
    const schema = await provision(config);
    const admin = asRole(config, "admin");
    const logs = capture();
    const app = await startDetectorApp(
      config,
      createLogger({ level: "info", destination: logs.stream }),
    );
    try {
      // Producers and alert readers are other principals than the detector: the admin here.
      const alerts = await collectTopic(admin, config.alertTopic);
      await produceEvents(admin, eventsAt("normal", 48.8566, 2.3522, 60));
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
      await produceEvents(admin, [spike]);
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
      await client.shutdown();
    } finally {
      await app.stop();
      await dropKeyspace(schema);
    }
  });

  it("lets the API role read the tables but not write them, and the detector role create nothing", async () => {
    const config = secureConfig();
    const schema = await provision(config);
    const ks = config.cassandraKeyspace;
    const api = createCassandraClient(asRole(config, "api"));
    const detector = createCassandraClient(config);
    try {
      await api.connect();
      await detector.connect();
      const insert = `INSERT INTO ${ks}.alerts (region, bucket, time, event_id, lat, lon, alert) VALUES ('u09', 0, '2026-12-02T10:00:00Z', 'e1', 48.8, 2.3, '{}')`;
      await detector.execute(insert);
      const rows = await api.execute(
        `SELECT event_id FROM ${ks}.alerts WHERE region = 'u09' AND bucket = 0`,
      );
      expect(rows.rows.map((r) => r["event_id"] as string)).toEqual(["e1"]);
      await expect(api.execute(insert.replace("'e1'", "'e2'"))).rejects.toThrow(
        /has no MODIFY permission/,
      );
      await expect(
        api.execute(`DELETE FROM ${ks}.alerts WHERE region = 'u09' AND bucket = 0`),
      ).rejects.toThrow(/has no MODIFY permission/);
      await expect(api.execute(`DROP TABLE ${ks}.alerts`)).rejects.toThrow(
        /has no DROP permission/,
      );
      await expect(
        detector.execute(`CREATE TABLE ${ks}.extra (k int PRIMARY KEY)`),
      ).rejects.toThrow(/has no CREATE permission/);
      await expect(detector.execute(`DROP KEYSPACE ${ks}`)).rejects.toThrow(
        /has no DROP permission/,
      );
      // Another keyspace is out of the detector's reach, even to read.
      const owner = createCassandraClient(schema);
      await owner.connect();
      await owner.execute(
        `CREATE KEYSPACE ${ks}_other WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
      await owner.execute(`CREATE TABLE ${ks}_other.t (k int PRIMARY KEY)`);
      await expect(detector.execute(`SELECT k FROM ${ks}_other.t`)).rejects.toThrow(
        /has no SELECT permission/,
      );
      await owner.execute(`DROP KEYSPACE ${ks}_other`);
      await owner.shutdown();
    } finally {
      await api.shutdown();
      await detector.shutdown();
      await dropKeyspace(schema);
    }
  });

  it("lets the detector's principal read only its input topic and write only its outputs", async () => {
    const config = secureConfig();
    const schema = await provision(config);
    const admin = asRole(config, "admin");
    const other = `${config.inputTopic}.other`;
    const adminClient = kafkaFor(admin).admin();
    await adminClient.connect();
    const detector = kafkaFor(config);
    const consumer = detector.consumer({ groupId: config.groupId });
    const producer = detector.producer();
    try {
      await adminClient.createTopics({ waitForLeaders: true, topics: [{ topic: other }] });
      await produceEvents(admin, eventsAt("normal", 48.8566, 2.3522, 1));
      await consumer.connect();
      await producer.connect();
      // Its input topic through its group: allowed. Another topic: refused by the broker.
      await consumer.subscribe({ topics: [config.inputTopic] });
      await expect(consumer.subscribe({ topics: [other] })).rejects.toMatchObject({
        type: "TOPIC_AUTHORIZATION_FAILED",
      });
      const detectorAdmin = detector.admin();
      await detectorAdmin.connect();
      await expect(detectorAdmin.fetchTopicOffsets(other)).rejects.toMatchObject({
        type: "TOPIC_AUTHORIZATION_FAILED",
      });
      await detectorAdmin.disconnect();
      // It writes alerts, never its own input or another topic.
      await producer.send({ topic: config.alertTopic, messages: [{ value: "{}" }] });
      for (const topic of [config.inputTopic, other]) {
        const refused = await producer.send({ topic, messages: [{ value: "{}" }] }).then(
          () => "sent",
          (err: unknown) => kafkaErrorType(err),
        );
        expect(refused, topic).toBe("TOPIC_AUTHORIZATION_FAILED");
      }
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await adminClient.deleteTopics({ topics: [other] }).catch(() => undefined);
      await adminClient.disconnect();
      await dropKeyspace(schema);
    }
  });

  it("stops at start, naming 'schema apply', when its tables are missing and it may not create them", async () => {
    const config = secureConfig();
    const schema = await grant(config); // topics, ACLs and keyspace, but no tables
    try {
      const start = startDetectorApp(config, createLogger({ level: "silent" }));
      await expect(start).rejects.toMatchObject({ code: "AUTH_FAILED" });
      await expect(start).rejects.toThrow(
        /does not exist .*may not create it: run 'geoanomaly schema apply'/,
      );
    } finally {
      await dropKeyspace(schema);
    }
  });

  it.each([
    ["Kafka", { kafkaPassword: "not-the-password" }, /KAFKA_PASSWORD/],
    ["Cassandra", { cassandraPassword: "not-the-password" }, /CASSANDRA_PASSWORD/],
  ] as const)(
    "refuses to start on a wrong %s password, naming the settings, not the password",
    async (_server, overrides, setting) => {
      const start = startDetectorApp(secureConfig(overrides), createLogger({ level: "silent" }));
      await expect(start).rejects.toMatchObject({ code: "AUTH_FAILED" });
      await expect(start).rejects.toThrow(setting);
      await expect(start).rejects.not.toThrow(/not-the-password/);
    },
  );

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
    expect(failures, out).toHaveLength(1);
    expect(failures[0]).toMatch(/KAFKA_PASSWORD/);
    expect(out).not.toContain("not-the-password");
  });
});
