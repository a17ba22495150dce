import { Command } from "commander";
import {
  serversDown,
  serversReset,
  serversStatus,
  serversUp,
  type ServerStatus,
} from "../servers/local.js";
import { stateDir } from "../servers/paths.js";

function printStatus(rows: readonly ServerStatus[]): void {
  for (const s of rows) {
    const pid = s.pid === undefined ? "" : ` pid ${s.pid}`;
    const rss = s.rssMiB === undefined ? "" : ` rss ${s.rssMiB} MiB`;
    console.log(
      `${s.name.padEnd(9)} ${s.state.padEnd(13)} ${s.endpoint}${pid}${rss}  log: ${s.logFile}`,
    );
  }
}

/** `geoanomaly servers up|down|status|reset`: real Kafka and Cassandra on 127.0.0.1 from Maven Central jars. */
export function serversCommand(): Command {
  const cmd = new Command("servers").description(
    "Run a local single-node Kafka 3.9 (KRaft) and Cassandra 5.0 from Maven Central jars, bound to 127.0.0.1. " +
      "Needs Java 17 and Maven. State (jars, config, data, logs, pids) lives in .local/ or $GEOANOMALY_STATE_DIR.",
  );
  cmd
    .command("up")
    .description(
      "fetch jars on first use, start both servers, wait until each answers; a no-op for a running server",
    )
    .action(async () => {
      const rows = await serversUp((line) => console.log(line));
      console.log(`\nKAFKA_BROKERS=${rows[0]?.endpoint ?? ""}`);
      console.log(`CASSANDRA_CONTACT_POINTS=${rows[1]?.endpoint ?? ""}`);
      console.log(`state: ${stateDir()}`);
      printStatus(rows);
    });
  cmd
    .command("down")
    .description(
      "stop the servers 'up' started (by recorded pid) and wait until their ports are free",
    )
    .action(async () => {
      await serversDown((line) => console.log(line));
    });
  cmd
    .command("status")
    .description("report each server as up, not-answering or down (exit code 1 unless both are up)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const rows = await serversStatus();
      if (opts.json === true) console.log(JSON.stringify(rows, null, 2));
      else printStatus(rows);
      if (!rows.every((r) => r.state === "up")) process.exitCode = 1;
    });
  cmd
    .command("reset")
    .description("stop the servers and wipe their data, config and logs")
    .option("--jars", "also delete the fetched jars")
    .action(async (opts: { jars?: boolean }) => {
      await serversReset({ jars: opts.jars === true }, (line) => console.log(line));
    });
  return cmd;
}
