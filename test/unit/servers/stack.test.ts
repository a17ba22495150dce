import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  clientSettings,
  recordTopology,
  resolveTopology,
  writeClientEnv,
} from "../../../src/servers/stack.js";
import { SINGLE_NODE } from "../../../src/servers/topology.js";

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "geoanomaly-stack-"));

describe("a state folder's stack", () => {
  it("defaults to one node of each on 127.0.0.1, or at the environment's offset", () => {
    expect(resolveTopology(tmp(), {}, undefined)).toEqual(SINGLE_NODE);
    expect(resolveTopology(tmp(), { cassandraNodes: 3 }, "10")).toEqual({
      ...SINGLE_NODE,
      cassandraNodes: 3,
      loopbackOffset: 10,
      commitlogSync: "periodic",
    });
    expect(() => resolveTopology(tmp(), {}, "ten")).toThrow(/GEOANOMALY_LOOPBACK_OFFSET/);
  });

  it("keeps its recorded shape, and refuses another until it is reset", () => {
    const root = tmp();
    const three = { ...SINGLE_NODE, kafkaBrokers: 3, cassandraNodes: 3, loopbackOffset: 10 };
    recordTopology(root, three);
    expect(resolveTopology(root, {}, undefined)).toEqual(three);
    expect(() => resolveTopology(root, { cassandraNodes: 1 }, undefined)).toThrow(/servers reset/);
    expect(() => resolveTopology(root, {}, "20")).toThrow(/servers reset/);
  });

  it("tells the product where the nodes are and how much to replicate", () => {
    const root = tmp();
    const three = { ...SINGLE_NODE, kafkaBrokers: 3, cassandraNodes: 3 };
    const settings = Object.fromEntries(clientSettings(three, root).map((s) => [s.name, s.value]));
    expect(settings).toEqual({
      KAFKA_BROKERS: "127.0.0.1:9092,127.0.0.2:9092,127.0.0.3:9092",
      TOPIC_REPLICATION: "3",
      CASSANDRA_CONTACT_POINTS: "127.0.0.1:9042,127.0.0.2:9042,127.0.0.3:9042",
      CASSANDRA_LOCAL_DC: "datacenter1",
      CASSANDRA_REPLICATION: "SimpleStrategy:3",
      CASSANDRA_CONSISTENCY: "localQuorum",
    });
  });

  it("marks the passwords of a secured stack secret and keeps its file private", () => {
    const root = tmp();
    const secrets = {
      storePassword: "s",
      kafkaPassword: "kp",
      cassandraPassword: "cp",
      cassandraAdminPassword: "a",
      adminPassword: "admin-pass",
      schemaPassword: "schema-pass",
      apiPassword: "api-pass",
    };
    const settings = clientSettings({ ...SINGLE_NODE, secure: true }, root, secrets);
    expect(settings.filter((s) => s.secret).map((s) => s.name)).toEqual([
      "KAFKA_PASSWORD",
      "CASSANDRA_PASSWORD",
    ]);
    const file = writeClientEnv(root, settings);
    expect(readFileSync(file, "utf8")).toContain("KAFKA_SASL_MECHANISM=scram-sha-512");
    expect(statSync(file).mode & 0o077).toBe(0);
  });
});
