import path from "node:path";
import type { ServerPaths } from "./paths.js";
import {
  COMMITLOG_GROUP_WINDOW_MS,
  COMMITLOG_SYNC_PERIOD_MS,
  type CommitlogSync,
} from "./topology.js";

/** Module flags Cassandra 5.0 needs on Java 17 (its conf/jvm17-server.options JPMS list). */
export const JAVA17_MODULE_FLAGS: readonly string[] = [
  "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
  "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
  "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
  "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
  "--add-exports=java.sql/java.sql=ALL-UNNAMED",
  "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
  "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
  "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
  "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
  "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
  "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
  "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens=java.base/java.io=ALL-UNNAMED",
  "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
  "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
  "--add-opens=java.base/java.lang=ALL-UNNAMED",
  "--add-opens=java.base/java.util=ALL-UNNAMED",
];

export const CASSANDRA_PORT = 9042;
export const CASSANDRA_STORAGE_PORT = 7000;

export interface CassandraNodeConfig {
  readonly host: string;
  readonly seeds: readonly string[];
  /** Nodes in the cluster; more than one means pre-assigned tokens and no bootstrap streaming. */
  readonly clusterNodes: number;
  /** When a write is acknowledged: after the commit log sync (group) or at once (periodic). */
  readonly commitlogSync: CommitlogSync;
  /** Mutation threads; in group mode each waits for the sync, so they bound writes per window. */
  readonly concurrentWrites: number;
  /** Password authentication and client TLS with this PKCS12 keystore. */
  readonly tls?: { readonly keystore: string; readonly password: string } | undefined;
}

/** The commit log lines of cassandra.yaml for a mode. */
export function commitlogYaml(sync: CommitlogSync): string {
  return sync === "group"
    ? `commitlog_sync: group\ncommitlog_sync_group_window: ${COMMITLOG_GROUP_WINDOW_MS}ms\n`
    : `commitlog_sync: periodic\ncommitlog_sync_period: ${COMMITLOG_SYNC_PERIOD_MS}ms\n`;
}

/**
 * A minimal cassandra.yaml: 5.0 rejects unknown keys, so only what a local node needs. The
 * cluster is created empty with one pre-assigned token per node, so a joining node has nothing
 * to stream (auto_bootstrap off) and a restarted node simply rejoins. The commit log mode is the
 * stack's (see `CommitlogSync`): in group mode each write thread waits for the sync, so the
 * window is short (2 ms; a 15 ms window capped a node at about 2,100 inserts/s, 32 threads /
 * 15 ms) and the threads bound the writes per window.
 */
export function cassandraYaml(paths: ServerPaths, node: CassandraNodeConfig): string {
  const d = (name: string): string => path.join(paths.data, name);
  const secure =
    node.tls === undefined
      ? ""
      : `authenticator: PasswordAuthenticator
authorizer: CassandraAuthorizer
role_manager: CassandraRoleManager
client_encryption_options:
  enabled: true
  optional: false
  keystore: ${node.tls.keystore}
  keystore_password: ${node.tls.password}
  store_type: PKCS12
  require_client_auth: false
`;
  return `# Written by 'geoanomaly servers up'; edits are overwritten.
cluster_name: geoanomaly-local
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "${node.seeds.join(",")}"
listen_address: ${node.host}
rpc_address: ${node.host}
storage_port: ${CASSANDRA_STORAGE_PORT}
native_transport_port: ${CASSANDRA_PORT}
start_native_transport: true
auto_bootstrap: ${node.clusterNodes === 1 ? "true" : "false"}
${commitlogYaml(node.commitlogSync)}data_file_directories:
  - ${d("data")}
commitlog_directory: ${d("commitlog")}
saved_caches_directory: ${d("saved_caches")}
hints_directory: ${d("hints")}
cdc_raw_directory: ${d("cdc_raw")}
auto_snapshot: false
concurrent_reads: 16
concurrent_writes: ${node.concurrentWrites}
${secure}`;
}

/**
 * What a running node says of its commit log (from its `system_views.settings`), e.g.
 * "commitlog_sync group (window 2ms), concurrent_writes 32": the truth, not the record.
 */
export function describeRunningSettings(settings: ReadonlyMap<string, string>): string | undefined {
  const sync = settings.get("commitlog_sync");
  if (sync === undefined) return undefined;
  const detail =
    sync === "group"
      ? ` (window ${settings.get("commitlog_sync_group_window") ?? "?"})`
      : sync === "periodic"
        ? ` (period ${settings.get("commitlog_sync_period") ?? "?"})`
        : "";
  return `commitlog_sync ${sync}${detail}, concurrent_writes ${settings.get("concurrent_writes") ?? "?"}`;
}

export function logbackXml(paths: ServerPaths): string {
  const file = path.join(paths.logs, "system.log");
  return `<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
    <file>${file}</file>
    <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
      <fileNamePattern>${file}.%i.zip</fileNamePattern>
      <minIndex>1</minIndex>
      <maxIndex>3</maxIndex>
    </rollingPolicy>
    <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
      <maxFileSize>20MB</maxFileSize>
    </triggeringPolicy>
    <encoder>
      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="FILE" />
  </root>
</configuration>
`;
}
