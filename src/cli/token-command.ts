/**
 * `geoanomaly token create`: a new random API token and the line for API_TOKENS_FILE (its SHA-256,
 * never the token). The token is printed once, for whoever will call the API; with --append the
 * line is added to the tokens file (created owner-only), otherwise printed for you to add.
 */
import { appendFileSync, existsSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { newToken, tokenFieldProblem, tokenLine, type Scope } from "../api/tokens.js";

interface CreateFlags {
  name: string;
  scope: string;
  append?: string;
}

/** The `token` command with its `create` verb. */
export function tokenCommand(): Command {
  const cmd = new Command("token").description(
    "API tokens for 'serve' (API_TOKENS_FILE holds their SHA-256 hashes, never the tokens)",
  );
  cmd
    .command("create")
    .description(
      "Make a random token: prints it once (give it to the caller, who sends 'Authorization: Bearer <token>') " +
        "and the '<name> <scope> <sha256-hex>' line for API_TOKENS_FILE. The server reads the file at start.",
    )
    .requiredOption("--name <name>", "who the token is for (shown in the API's logs)")
    .option(
      "--scope <scopes>",
      "read (every query route) or map (clusters and anomalies only), comma-separated",
      "read",
    )
    .option("--append <file>", "append the line to this tokens file (created owner-only)")
    .action((flags: CreateFlags) => {
      const problem = tokenFieldProblem(flags.name, flags.scope);
      if (problem !== undefined) throw new InvalidArgumentError(problem);
      const token = newToken();
      const line = tokenLine(flags.name, flags.scope.split(",") as Scope[], token);
      if (flags.append !== undefined) {
        const created = !existsSync(flags.append);
        appendFileSync(flags.append, `${line}\n`, { mode: 0o600 });
        console.error(`${created ? "created" : "appended to"} ${flags.append}: ${line}`);
      } else {
        console.error(`line for API_TOKENS_FILE:\n${line}`);
      }
      console.error("token (shown once; the file keeps only its hash):");
      console.log(token);
    });
  return cmd;
}
