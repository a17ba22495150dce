/**
 * A local stack driven only through the product's CLI (`geoanomaly servers ...`), in its own
 * state folder and on its own loopback addresses, so it runs beside any other stack.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { runCommand, type CommandRun } from "../bench/lib/detector-process.js";
import { REPO_ROOT } from "../src/servers/paths.js";

export const ENTRY = path.join(REPO_ROOT, "bin", "geoanomaly.js");

/** How a `geoanomaly servers` command ended. */
export type CliResult = CommandRun;

export class CliStack {
  constructor(
    readonly stateDir: string,
    readonly loopbackOffset: number,
    private readonly log: (line: string) => void,
  ) {}

  /** What points the CLI at this stack. */
  private vars(): Record<string, string> {
    return {
      GEOANOMALY_STATE_DIR: this.stateDir,
      GEOANOMALY_LOOPBACK_OFFSET: String(this.loopbackOffset),
    };
  }

  /** Runs `geoanomaly servers <args>`; throws with its output when it fails. */
  async servers(...args: string[]): Promise<CliResult> {
    return this.serversWithin(0, ...args);
  }

  /**
   * `servers` with a deadline (0: none): past it the command is killed and this throws, so a
   * readiness probe that never returns cannot hold a run forever.
   */
  async serversWithin(timeoutMs: number, ...args: string[]): Promise<CliResult> {
    const result = await runCommand(["servers", ...args], this.vars(), timeoutMs);
    this.log(`servers ${args.join(" ")}: exit ${result.code} after ${result.seconds.toFixed(1)} s`);
    if (result.code !== 0)
      throw new Error(`geoanomaly servers ${args.join(" ")} failed:\n${result.output}`);
    return result;
  }

  /** Seconds each node took to answer, from the `ready at ... after N s` lines of `up`/`start`. */
  static readySeconds(output: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of output.matchAll(/^(\S+): ready at \S+ after ([\d.]+) s$/gm))
      if (m[1] !== undefined) out[m[1]] = Number(m[2]);
    return out;
  }

  /** RSS per node in MiB, from `status --json`. */
  async rssMiB(): Promise<Record<string, number>> {
    const child = spawn(process.execPath, [ENTRY, "servers", "status", "--json"], {
      env: { ...process.env, ...this.vars() },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let text = "";
    child.stdout.on("data", (c: Buffer) => (text += c.toString("utf8")));
    await new Promise((resolve) => child.once("exit", resolve));
    const rows = JSON.parse(text) as { name: string; rssMiB?: number }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.rssMiB ?? 0]));
  }

  /** The product settings `servers up` wrote for this stack (client.env). */
  clientSettings(): Record<string, string> {
    const text = readFileSync(path.join(this.stateDir, "client.env"), "utf8");
    const out: Record<string, string> = {};
    for (const line of text.split("\n")) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
    }
    return out;
  }
}
