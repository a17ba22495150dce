import path from "node:path";
import type { ServerPaths } from "./paths.js";

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
  /** Password authentication and client TLS with this PKCS12 keystore. */
  readonly tls?: { readonly keystore: string; readonly password: string } | undefined;
}

/**
 * A minimal cassandra.yaml: 5.0 rejects unknown keys, so only what a local node needs. The
 * cluster is created empty with one pre-assigned token per node, so a joining node has nothing
 * to stream (auto_bootstrap off) and a restarted node simply rejoins. The commit log is synced
 * before a write is acknowledged (group mode): with the default periodic mode a SIGKILLed single
 * node loses acknowledged writes since the last sync, as the fault suite showed. The window is
 * short (2 ms) because each of the 32 write threads waits for it: a 15 ms window capped the node
 * at about 2,100 inserts/s (32 / 15 ms), while a sync here takes a fraction of a millisecond.
 */
export function cassandraYaml(paths: ServerPaths, node: CassandraNodeConfig): string {
  const d = (name: string): string => path.join(paths.data, name);
  const secure =
    node.tls === undefined
      ? ""
      : `authenticator: PasswordAuthenticator
authorizer: AllowAllAuthorizer
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
commitlog_sync: group
commitlog_sync_group_window: 2ms
data_file_directories:
  - ${d("data")}
commitlog_directory: ${d("commitlog")}
saved_caches_directory: ${d("saved_caches")}
hints_directory: ${d("hints")}
cdc_raw_directory: ${d("cdc_raw")}
auto_snapshot: false
concurrent_reads: 16
concurrent_writes: 32
${secure}`;
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
