import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isAuthRejection, toolCassandra, type StackAccess } from "./access.js";
import {
  describeRunningSettings,
  cassandraYaml,
  CASSANDRA_PORT,
  CASSANDRA_STORAGE_PORT,
  JAVA17_MODULE_FLAGS,
  logbackXml,
} from "./cassandra-config.js";
import { serverEnvironment } from "./environment.js";
import { findJar } from "./jars.js";
import { serverPaths } from "./paths.js";
import { keystoreFor } from "./secure.js";
import type { LocalServerDefinition } from "./server.js";
import { cassandraInitialToken, nodeHost, type NodeRef, type Topology } from "./topology.js";

const MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";

/** Cassandra 5.0 node `node.index` of the stack on node.host:9042 (datacenter `datacenter1`). */
export function cassandraNode(
  node: NodeRef,
  topology: Topology,
  root: string,
  access: StackAccess,
): LocalServerDefinition {
  const paths = serverPaths(node, root);
  const yaml = path.join(paths.conf, "cassandra.yaml");
  const endpoint = `${node.host}:${CASSANDRA_PORT}`;
  return {
    node,
    paths,
    ports: [CASSANDRA_PORT, CASSANDRA_STORAGE_PORT],
    endpoint,
    marker: yaml,
    readyTimeoutMs: 240_000,
    logFile: path.join(paths.logs, "system.log"),

    prepare() {
      for (const dir of [paths.conf, paths.data, paths.logs]) mkdirSync(dir, { recursive: true });
      const tls =
        access.secrets === undefined
          ? undefined
          : { keystore: keystoreFor(root, node.host), password: access.secrets.storePassword };
      writeFileSync(
        yaml,
        cassandraYaml(paths, {
          host: node.host,
          seeds: [nodeHost(1, topology.loopbackOffset)],
          clusterNodes: topology.cassandraNodes,
          commitlogSync: topology.commitlogSync,
          concurrentWrites: topology.concurrentWrites,
          tls,
        }),
        { mode: 0o600 },
      );
      writeFileSync(path.join(paths.conf, "logback.xml"), logbackXml(paths));
    },

    command(javaBin) {
      const heap = serverEnvironment().cassandraHeap;
      return {
        command: javaBin,
        args: [
          `-Xms${heap}`,
          `-Xmx${heap}`,
          "-Xss512k",
          "-XX:+UseG1GC",
          "-XX:+ParallelRefProcEnabled",
          "-XX:MaxGCPauseMillis=300",
          "-XX:+PerfDisableSharedMem",
          "-XX:+AlwaysPreTouch",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.net.preferIPv4Stack=true",
          "-Djdk.attach.allowAttachSelf=true",
          "-Dio.netty.tryReflectionSetAccessible=true",
          `-javaagent:${findJar(paths.lib, "jamm-")}`,
          ...JAVA17_MODULE_FLAGS,
          `-Dcassandra.config=file://${yaml}`,
          `-Dcassandra.storagedir=${paths.data}`,
          `-Dcassandra.logdir=${paths.logs}`,
          `-Dlogback.configurationFile=${path.join(paths.conf, "logback.xml")}`,
          "-Dcassandra-foreground=yes",
          "-Dcassandra.skip_wait_for_gossip_to_settle=0",
          `-Dcassandra.initial_token=${cassandraInitialToken(node.index, topology.cassandraNodes)}`,
          "-Dcassandra.superuser_setup_delay_ms=0",
          "-cp",
          `${paths.conf}:${paths.lib}/*`,
          MAIN_CLASS,
        ],
        cwd: paths.data,
        consoleLog: paths.console,
        pidFile: paths.pidFile,
        marker: yaml,
      };
    },

    async runningSettings() {
      const client = toolCassandra(access, endpoint);
      try {
        await client.connect();
        const rs = await client.execute("SELECT name, value FROM system_views.settings");
        return describeRunningSettings(
          new Map(rs.rows.map((r) => [String(r["name"]), String(r["value"])])),
        );
      } catch {
        return undefined;
      } finally {
        await client.shutdown().catch(() => undefined);
      }
    },

    async probe() {
      const client = toolCassandra(access, endpoint);
      try {
        await client.connect();
        await client.execute("SELECT release_version FROM system.local");
        return true;
      } catch (err) {
        // Before its roles are set up a secured node refuses our user: it answered all the same.
        return access.secure && isAuthRejection(err);
      } finally {
        await client.shutdown().catch(() => undefined);
      }
    },
  };
}
