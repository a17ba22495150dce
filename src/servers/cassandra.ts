import { writeFileSync } from "node:fs";
import path from "node:path";
import { isAuthRejection, toolCassandra } from "./access.js";
import {
  describeRunningSettings,
  cassandraYaml,
  JAVA17_MODULE_FLAGS,
  logbackXml,
} from "./cassandra-config.js";
import { findJar } from "./jars.js";
import { jvmProcess } from "./java.js";
import { nodeTls } from "./secure.js";
import { makeNodeFolders } from "./paths.js";
import { probeWithin } from "./probe-deadline.js";
import type { NodeFactory } from "./server.js";
import { cassandraInitialToken, nodeHost } from "./topology.js";

const MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";

/** Cassandra 5.0 node `node.index` of the stack on node.host:9042 (datacenter `datacenter1`). */
export const cassandraNode: NodeFactory = (basics, topology, root, access) => {
  const { node, paths, endpoint, marker: yaml } = basics;
  return {
    prepare() {
      makeNodeFolders(paths);
      const tls = nodeTls(root, node.host, access.secrets);
      writeFileSync(
        yaml,
        cassandraYaml(paths, {
          host: node.host,
          seeds: [nodeHost(1, topology.loopbackOffset)],
          clusterNodes: topology.cassandraNodes,
          commitlogSync: topology.commitlogSync,
          concurrentWrites: topology.concurrentWrites,
          tls: tls && { keystore: tls.keystore, password: tls.secrets.storePassword },
        }),
        { mode: 0o600 },
      );
      writeFileSync(path.join(paths.conf, "logback.xml"), logbackXml(paths));
    },

    command(javaBin) {
      return jvmProcess(javaBin, basics, {
        gcPauseMs: 300,
        jvmOptions: [
          "-Xss512k",
          "-XX:+ParallelRefProcEnabled",
          "-XX:+PerfDisableSharedMem",
          "-XX:+AlwaysPreTouch",
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
        ],
        classpath: `${paths.conf}:${paths.lib}/*`,
        main: [MAIN_CLASS],
      });
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
      return probeWithin(
        async () => {
          try {
            await client.connect();
            await client.execute("SELECT release_version FROM system.local");
            return true;
          } catch (err) {
            // Before its roles are set up a secured node refuses our user: it answered all the same.
            return access.secure && isAuthRejection(err);
          }
        },
        () => client.shutdown(),
      );
    },
  };
};
