import { Command } from "commander";
import { describeError } from "../errors.js";
import { demoCommand } from "./demo-command.js";
import { detectCommand } from "./detect-command.js";
import { nearCommand } from "./near-command.js";
import { produceCommand } from "./produce-command.js";
import { schemaCommand } from "./schema-command.js";
import { planCommand } from "./plan-command.js";
import { serveCommand } from "./serve-command.js";
import { serversCommand } from "./servers-command.js";
import { tokenCommand } from "./token-command.js";

/** The `geoanomaly` command line: one verb per job. */
export function buildProgram(): Command {
  const program = new Command("geoanomaly")
    .description("Streaming geospatial anomaly detector on Kafka and Cassandra")
    .showHelpAfterError();
  program.addCommand(demoCommand());
  program.addCommand(detectCommand());
  program.addCommand(schemaCommand());
  program.addCommand(nearCommand());
  program.addCommand(produceCommand());
  program.addCommand(serversCommand());
  program.addCommand(serveCommand());
  program.addCommand(planCommand());
  program.addCommand(tokenCommand());
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (err) {
    console.error(`geoanomaly: ${describeError(err)}`);
    process.exitCode = 1;
  }
}
