import { Command } from "commander";
import { withCassandra } from "../app/clients.js";
import { applySchema, schemaFile } from "../cassandra/schema.js";
import { loadConfig, type SettingKey } from "../config/load.js";
import { configuredLayout } from "../config/layout.js";
import { addConfigOptions, overridesFrom } from "./config-options.js";

const KEYS: SettingKey[] = [
  "cassandraContactPoints",
  "cassandraLocalDc",
  "cassandraKeyspace",
  "cassandraReplication",
  "cassandraUsername",
  "cassandraPassword",
  "cassandraConsistency",
  "geohashLengths",
  "maxNeighbourDistanceM",
  "searchMaxCells",
  "layoutEventsPerSecond",
  "layoutRowBytes",
  "layoutPartitionMb",
  "layoutHotCellShare",
];

/** `geoanomaly schema apply|print`: the keyspace and one table per geohash length. */
export function schemaCommand(): Command {
  const cmd = new Command("schema").description(
    "Create or print the Cassandra schema generated from the level layout",
  );
  addConfigOptions(
    cmd
      .command("apply")
      .description("create the keyspace and tables if missing (idempotent)")
      .action(async (opts: Record<string, unknown>) => {
        const config = loadConfig(overridesFrom(opts, KEYS));
        const layout = configuredLayout(config);
        await withCassandra(config, (client) =>
          applySchema(client, layout, config.cassandraKeyspace, config.cassandraReplication),
        );
        console.log(
          `schema applied: keyspace ${config.cassandraKeyspace}, tables for lengths ${layout.map((l) => l.length).join(",")}`,
        );
      }),
    KEYS,
  );
  addConfigOptions(
    cmd
      .command("print")
      .description("print the CQL (cql/schema.cql is this output with the defaults)")
      .action((opts: Record<string, unknown>) => {
        const config = loadConfig(overridesFrom(opts, KEYS));
        process.stdout.write(
          schemaFile(
            configuredLayout(config),
            config.cassandraKeyspace,
            config.cassandraReplication,
          ),
        );
      }),
    KEYS,
  );
  return cmd;
}
