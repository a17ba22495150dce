import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Kafka, logLevel } from "kafkajs";
import { GeoAnomalyError } from "../errors.js";
import { serverEnvironment } from "./environment.js";
import type { ServerPaths } from "./paths.js";
import type { LocalServerDefinition } from "./server.js";

const HOST = "127.0.0.1";
const PORT = 9092;
const CONTROLLER_PORT = 9093;

function serverProperties(paths: ServerPaths): string {
  return [
    "# Written by 'geoanomaly servers up'; edits are overwritten.",
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@${HOST}:${CONTROLLER_PORT}`,
    `listeners=PLAINTEXT://${HOST}:${PORT},CONTROLLER://${HOST}:${CONTROLLER_PORT}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${PORT}`,
    "inter.broker.listener.name=PLAINTEXT",
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    `log.dirs=${paths.data}`,
    "num.partitions=3",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=10",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "log.retention.hours=24",
    "",
  ].join("\n");
}

function log4jProperties(paths: ServerPaths): string {
  const file = path.join(paths.logs, "server.log");
  return [
    "log4j.rootLogger=INFO, file",
    "log4j.appender.file=org.apache.log4j.RollingFileAppender",
    `log4j.appender.file.File=${file}`,
    "log4j.appender.file.MaxFileSize=20MB",
    "log4j.appender.file.MaxBackupIndex=3",
    "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
    "log4j.logger.kafka=INFO",
    "log4j.logger.org.apache.kafka=INFO",
    "log4j.logger.state.change.logger=WARN",
    "",
  ].join("\n");
}

/** A KRaft cluster id: 16 random bytes as unpadded base64url (22 characters). */
function newClusterId(): string {
  return randomBytes(16).toString("base64url");
}

/** Single combined broker+controller Kafka 3.9 in KRaft mode on 127.0.0.1:9092. */
export const kafkaServer: LocalServerDefinition = {
  name: "kafka",
  host: HOST,
  ports: [PORT, CONTROLLER_PORT],
  endpoint: `${HOST}:${PORT}`,
  marker: "kafka.Kafka",
  logFile: (paths) => path.join(paths.logs, "server.log"),

  prepare(paths, javaBin) {
    for (const dir of [paths.conf, paths.data, paths.logs]) mkdirSync(dir, { recursive: true });
    const props = path.join(paths.conf, "server.properties");
    const log4j = path.join(paths.conf, "log4j.properties");
    writeFileSync(props, serverProperties(paths));
    writeFileSync(log4j, log4jProperties(paths));
    const idFile = path.join(paths.conf, "cluster.id");
    if (!existsSync(idFile)) writeFileSync(idFile, newClusterId());
    if (existsSync(path.join(paths.data, "meta.properties"))) return;
    const clusterId = readFileSync(idFile, "utf8").trim();
    try {
      execFileSync(
        javaBin,
        [
          "-cp",
          `${paths.lib}/*`,
          `-Dlog4j.configuration=file:${log4j}`,
          "kafka.tools.StorageTool",
          "format",
          "-t",
          clusterId,
          "-c",
          props,
          "--ignore-formatted",
        ],
        { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
      );
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new GeoAnomalyError(
        "SERVER_START_FAILED",
        `Kafka storage format failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`,
        { cause: err },
      );
    }
  },

  command(paths, javaBin) {
    const heap = serverEnvironment().kafkaHeap;
    return {
      command: javaBin,
      args: [
        `-Xms${heap}`,
        `-Xmx${heap}`,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        `-Dkafka.logs.dir=${paths.logs}`,
        `-Dlog4j.configuration=file:${path.join(paths.conf, "log4j.properties")}`,
        "-cp",
        `${paths.lib}/*`,
        "kafka.Kafka",
        path.join(paths.conf, "server.properties"),
      ],
      cwd: paths.data,
      consoleLog: paths.console,
      pidFile: paths.pidFile,
      marker: "kafka.Kafka",
    };
  },

  async probe() {
    const kafka = new Kafka({
      clientId: "geoanomaly-probe",
      brokers: [`${HOST}:${PORT}`],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 2000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },
};
