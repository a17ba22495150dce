import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GeoAnomalyError } from "../errors.js";
import { toolKafka } from "./access.js";
import { jvmProcess } from "./java.js";
import { kafkaLog4jProperties, kafkaServerProperties } from "./kafka-config.js";
import { ROLE_USERS } from "./roles.js";
import { nodeTls } from "./secure.js";
import { makeNodeFolders } from "./paths.js";
import { probeWithin } from "./probe-deadline.js";
import type { NodeFactory } from "./server.js";

/**
 * A KRaft cluster id: 16 random bytes as unpadded base64url (22 characters). Like Kafka's own
 * generator it never starts with "-", which a command line would read as an option.
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/** One id for every broker of a state folder (the brokers of a cluster share it). */
function clusterId(root: string): string {
  const file = path.join(root, "kafka-cluster.id");
  if (!existsSync(file)) {
    mkdirSync(root, { recursive: true });
    writeFileSync(file, newClusterId());
  }
  return readFileSync(file, "utf8").trim();
}

/** Kafka 3.9 broker+controller (KRaft) number `node.index` of the stack, on node.host:9092. */
export const kafkaNode: NodeFactory = (basics, topology, root, access) => {
  const { node, paths, endpoint, marker: props } = basics;
  return {
    prepare(javaBin) {
      makeNodeFolders(paths);
      const log4j = path.join(paths.conf, "log4j.properties");
      writeFileSync(
        props,
        kafkaServerProperties(node, topology, paths, nodeTls(root, node.host, access.secrets)),
        { mode: 0o600 },
      );
      writeFileSync(log4j, kafkaLog4jProperties(paths));
      if (existsSync(path.join(paths.data, "meta.properties"))) return;
      // SCRAM users live in the cluster metadata: the admin and the detector are made at format.
      const scram =
        access.secrets === undefined
          ? []
          : [
              "--add-scram",
              `SCRAM-SHA-512=[name=${ROLE_USERS.admin},password=${access.secrets.adminPassword}]`,
              "--add-scram",
              `SCRAM-SHA-512=[name=${ROLE_USERS.detector},password=${access.secrets.kafkaPassword}]`,
            ];
      try {
        execFileSync(
          javaBin,
          [
            "-cp",
            `${paths.lib}/*`,
            `-Dlog4j.configuration=file:${log4j}`,
            "kafka.tools.StorageTool",
            "format",
            `--cluster-id=${clusterId(root)}`,
            "-c",
            props,
            "--ignore-formatted",
            ...scram,
          ],
          { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" },
        );
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string };
        throw new GeoAnomalyError(
          "SERVER_START_FAILED",
          `${node.name}: Kafka storage format failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`,
        );
      }
    },

    command(javaBin) {
      return jvmProcess(javaBin, basics, {
        gcPauseMs: 20,
        jvmOptions: [
          `-Dkafka.logs.dir=${paths.logs}`,
          `-Dlog4j.configuration=file:${path.join(paths.conf, "log4j.properties")}`,
          "-Djava.awt.headless=true",
        ],
        classpath: `${paths.lib}/*`,
        main: ["kafka.Kafka", props],
      });
    },

    async probe() {
      const admin = toolKafka(access, [endpoint]).admin();
      return probeWithin(
        async () => {
          try {
            await admin.connect();
            await admin.listTopics();
            return true;
          } catch {
            return false;
          }
        },
        () => admin.disconnect(),
      );
    },
  };
};
