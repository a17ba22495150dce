import { Command, InvalidArgumentError } from "commander";
import { loadConfig, type SettingKey } from "../config/load.js";
import { addConfigOptions, overridesFrom } from "./config-options.js";
import {
  serverKill,
  serversDown,
  serversReset,
  serversStatus,
  serverStart,
  serversUp,
  type ServerStatus,
} from "../servers/local.js";
import { stateDir } from "../servers/paths.js";
import { ensureSecrets } from "../servers/secure.js";
import { grantProductAccess } from "../servers/grants.js";
import { roleEnvFile } from "../servers/paths.js";
import { clientSettings, currentTopology } from "../servers/stack.js";
import {
  COMMITLOG_SYNCS,
  describeCommitlog,
  describeTopology,
  MAX_CONCURRENT_WRITES,
  MAX_NODES,
  type CommitlogSync,
  type Topology,
} from "../servers/topology.js";

const GRANT_KEYS: SettingKey[] = [
  "inputTopic",
  "alertTopic",
  "deadLetterTopic",
  "groupId",
  "cassandraKeyspace",
  "topicPartitions",
];

function printStatus(rows: readonly ServerStatus[]): void {
  for (const s of rows) {
    const pid = s.pid === undefined ? "" : ` pid ${s.pid}`;
    const rss = s.rssMiB === undefined ? "" : ` rss ${s.rssMiB} MiB`;
    const settings = s.settings === undefined ? "" : `  ${s.settings}`;
    console.log(
      `${s.name.padEnd(11)} ${s.state.padEnd(13)} ${s.endpoint}${pid}${rss}${settings}  log: ${s.logFile}`,
    );
  }
}

const ROLE_ORDER = ["detector", "schema", "api", "admin"] as const;

const ROLE_TITLES: Readonly<Record<(typeof ROLE_ORDER)[number], string>> = {
  detector: "product settings for it (the detector: reads its input, writes its alerts and tables)",
  schema: "schema role ('geoanomaly schema apply' creates the tables with these)",
  api: "query API role ('geoanomaly serve': SELECT only)",
  admin: "admin (the tools only: topics, ACLs, roles; never the product)",
};

function printStack(t: Topology): void {
  console.log(`stack: ${describeTopology(t)}; Cassandra ${describeCommitlog(t)}`);
}

function commitlogOption(raw: string): CommitlogSync {
  const mode = COMMITLOG_SYNCS.find((m) => m === raw);
  if (mode === undefined)
    throw new InvalidArgumentError(`must be ${COMMITLOG_SYNCS.join(" or ")}.`);
  return mode;
}

function concurrentWritesOption(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_CONCURRENT_WRITES)
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_CONCURRENT_WRITES}.`);
  return n;
}

function nodesOption(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_NODES)
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_NODES}.`);
  return n;
}

interface UpFlags {
  kafkaBrokers?: number;
  cassandraNodes?: number;
  secure?: boolean;
  commitlog?: CommitlogSync;
  concurrentWrites?: number;
}

/** `geoanomaly servers ...`: real Kafka and Cassandra nodes on loopback addresses from Maven Central jars. */
export function serversCommand(): Command {
  const cmd = new Command("servers").description(
    "Run local Kafka 3.9 (KRaft) brokers and Cassandra 5.0 nodes from Maven Central jars: node i on " +
      "127.0.0.i (GEOANOMALY_LOOPBACK_OFFSET=10 moves it to 127.0.0.(10+i), to run a second stack beside " +
      "the first). Needs Java 17 and Maven. State (jars, config, data, logs, pids) lives in .local/ or " +
      "$GEOANOMALY_STATE_DIR; a state folder keeps the shape it was started with until 'reset'.",
  );
  cmd
    .command("up")
    .description(
      "fetch jars on first use, start every node that is not running, wait until each answers " +
        "(a no-op for running nodes); prints the settings that point the product at the stack",
    )
    .option(
      "--kafka-brokers <n>",
      "Kafka brokers (default 1, or the folder's recorded stack)",
      nodesOption,
    )
    .option(
      "--cassandra-nodes <n>",
      "Cassandra nodes (default 1, or the folder's recorded stack)",
      nodesOption,
    )
    .option(
      "--secure",
      "require credentials and TLS: Kafka SASL/SCRAM-SHA-512 over TLS, Cassandra password authentication and client TLS",
    )
    .option(
      "--commitlog <mode>",
      "Cassandra commit log: group (a write is acknowledged once synced; default with fewer than " +
        "3 nodes, where a killed node must not forget acknowledged writes) or periodic (acknowledged " +
        "at once, synced every 10 s; default with 3 or more nodes, where the other replicas keep " +
        "them). Changes only while the Cassandra nodes are down",
      commitlogOption,
    )
    .option(
      "--concurrent-writes <n>",
      "Cassandra mutation threads (default 32); in group mode they bound the writes per sync",
      concurrentWritesOption,
    )
    .action(async (flags: UpFlags) => {
      const { commitlog, ...shape } = flags;
      const up = await serversUp((line) => console.log(line), stateDir(), {
        ...shape,
        commitlogSync: commitlog,
      });
      const secrets = up.topology.secure ? ensureSecrets(stateDir()) : undefined;
      const roles = up.topology.secure ? ROLE_ORDER : (["detector"] as const);
      console.log(`\nstack up in ${up.seconds.toFixed(1)} s`);
      for (const role of roles) {
        const file = roleEnvFile(stateDir(), role);
        console.log(`\n${ROLE_TITLES[role]}: ${file}   (set -a; . ${file}; set +a)`);
        for (const s of clientSettings(up.topology, stateDir(), secrets, role))
          console.log(`${s.name}=${s.secret ? "*** (in the file)" : s.value}`);
      }
      console.log("");
      printStack(up.topology);
      printStatus(up.nodes);
    });
  cmd
    .command("down")
    .description(
      "stop every node 'up' started (by recorded pid) and wait until their ports are free",
    )
    .action(async () => {
      await serversDown((line) => console.log(line));
    });
  cmd
    .command("status")
    .description(
      "report each node as up, not-answering or down (exit code 1 unless every node is up), " +
        "and the stack's recorded shape and commit log settings; a Cassandra node that answers " +
        "also reports the commit log settings it runs with",
    )
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const rows = await serversStatus();
      if (opts.json === true) console.log(JSON.stringify(rows, null, 2));
      else {
        printStack(currentTopology(stateDir()));
        printStatus(rows);
      }
      if (!rows.every((r) => r.state === "up")) process.exitCode = 1;
    });
  cmd
    .command("kill")
    .argument("<node>", "kafka-N or cassandra-N (on a single node also kafka or cassandra)")
    .description("SIGKILL one node, for fault injection (no clean shutdown)")
    .action(async (node: string) => {
      await serverKill(node, (line) => console.log(line));
    });
  cmd
    .command("start")
    .argument("<node>", "kafka-N or cassandra-N (on a single node also kafka or cassandra)")
    .description("start one node of the stack and wait until it answers (a no-op when it runs)")
    .action(async (node: string) => {
      const s = await serverStart(node, (line) => console.log(line));
      printStatus([s]);
    });
  addConfigOptions(
    cmd
      .command("grant")
      .description(
        "on a secured stack, as its admin: create the detector's topics when missing and give its " +
          "principal READ on INPUT_TOPIC and KAFKA_GROUP_ID and WRITE on ALERT_TOPIC and DLQ_TOPIC; " +
          "create CASSANDRA_KEYSPACE as the schema role and grant SELECT and MODIFY on it to the " +
          "detector role and SELECT to the API role ('up --secure' does this for the defaults). " +
          "Then create the tables with 'geoanomaly schema apply' and the schema role's settings",
      )
      .action(async (opts: Record<string, unknown>) => {
        const c = loadConfig(overridesFrom(opts, GRANT_KEYS));
        const granted = await grantProductAccess(stateDir(), {
          inputTopic: c.inputTopic,
          alertTopic: c.alertTopic,
          deadLetterTopic: c.deadLetterTopic,
          groupId: c.groupId,
          keyspace: c.cassandraKeyspace,
          topicPartitions: c.topicPartitions,
        });
        console.log(
          `topics created: ${granted.createdTopics.join(", ") || "none (all existed)"}; ACLs for ` +
            `${c.inputTopic}, ${c.groupId}, ${c.alertTopic}, ${c.deadLetterTopic}; keyspace ${granted.keyspace} granted`,
        );
      }),
    GRANT_KEYS,
  );
  cmd
    .command("reset")
    .description("stop the stack and wipe its data, certificates, config and logs")
    .option("--jars", "also delete the fetched jars")
    .action(async (opts: { jars?: boolean }) => {
      await serversReset({ jars: opts.jars === true }, (line) => console.log(line));
    });
  return cmd;
}
