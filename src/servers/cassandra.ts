import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import cassandra from "cassandra-driver";
import { serverEnvironment } from "./environment.js";
import { findJar } from "./jars.js";
import { cassandraYaml, JAVA17_MODULE_FLAGS, logbackXml } from "./cassandra-config.js";
import type { LocalServerDefinition } from "./server.js";

const HOST = "127.0.0.1";
const PORT = 9042;
const MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";

/** Single-node Cassandra 5.0 on 127.0.0.1:9042 (local datacenter `datacenter1`). */
export const cassandraServer: LocalServerDefinition = {
  name: "cassandra",
  host: HOST,
  ports: [PORT, 7000],
  endpoint: `${HOST}:${PORT}`,
  marker: MAIN_CLASS,
  logFile: (paths) => path.join(paths.logs, "system.log"),

  prepare(paths) {
    for (const dir of [paths.conf, paths.data, paths.logs]) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(paths.conf, "cassandra.yaml"), cassandraYaml(paths, HOST, PORT));
    writeFileSync(path.join(paths.conf, "logback.xml"), logbackXml(paths));
  },

  command(paths, javaBin) {
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
        `-Dcassandra.config=file://${path.join(paths.conf, "cassandra.yaml")}`,
        `-Dcassandra.storagedir=${paths.data}`,
        `-Dcassandra.logdir=${paths.logs}`,
        `-Dlogback.configurationFile=${path.join(paths.conf, "logback.xml")}`,
        "-Dcassandra-foreground=yes",
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.initial_token=0",
        "-Dcassandra.superuser_setup_delay_ms=0",
        "-cp",
        `${paths.conf}:${paths.lib}/*`,
        MAIN_CLASS,
      ],
      cwd: paths.data,
      consoleLog: paths.console,
      pidFile: paths.pidFile,
      marker: MAIN_CLASS,
    };
  },

  async probe() {
    const client = new cassandra.Client({
      contactPoints: [`${HOST}:${PORT}`],
      localDataCenter: "datacenter1",
      socketOptions: { connectTimeout: 2000, readTimeout: 3000 },
      pooling: { warmup: false },
    });
    try {
      await client.connect();
      await client.execute("SELECT release_version FROM system.local");
      return true;
    } catch {
      return false;
    } finally {
      await client.shutdown().catch(() => undefined);
    }
  },
};
