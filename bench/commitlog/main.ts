/**
 * `npx tsx bench/commitlog/main.ts`: Cassandra's commit log modes side by side, on private local
 * stacks (a single node on 127.0.0.21, a 3-node RF 3 cluster on 127.0.0.31-33, state under
 * .local/commitlog-*): insert capacity at several concurrencies with the bench's capacity
 * scenario, and acknowledged writes lost after SIGKILLs. Variants interleave (A B A B ...) so
 * drift on a shared machine falls on all of them; each stack is stopped at the end. Writes the
 * figures to results.json beside this file (one entry per stack, replaced when measured again)
 * and prints the Markdown tables of REPORT.md.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { REPO_ROOT } from "../../src/servers/paths.js";
import { runStack } from "./run-stack.js";
import { capacityTable, lostWritesTable, type StackRun } from "./summary.js";
import { parseVariants, type StackName } from "./variants.js";

import { whole } from "../lib/cli-numbers.js";
const say = (line: string): void => void process.stdout.write(`[commitlog] ${line}\n`);

interface Options {
  stacks: StackName[];
  variants: string;
  clusterVariants: string;
  concurrency: number[];
  clusterConcurrency: number[];
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  restartWarmupSeconds: number;
  lossConcurrency: number;
  lossSeconds: number;
  out: string;
}

function parseOptions(argv: readonly string[]): Options {
  const list =
    (name: string) =>
    (raw: string): number[] =>
      raw.split(",").map((s) => whole(name)(s));
  const cmd = new Command("bench-commitlog")
    .option(
      "--stacks <list>",
      "single, cluster or both",
      (raw: string) => {
        const names = raw.split(",").map((s) => s.trim());
        if (!names.every((n) => n === "single" || n === "cluster"))
          throw new InvalidArgumentError("--stacks lists single and/or cluster");
        return names;
      },
      ["single", "cluster"] as StackName[],
    )
    .option(
      "--variants <list>",
      "single-node variants, mode:concurrent_writes; the first is the baseline",
      "group:32,periodic:32,group:128,periodic:128",
    )
    .option("--cluster-variants <list>", "cluster variants", "group:32,periodic:32")
    .option(
      "--concurrency <list>",
      "inserts in flight on the single node",
      list("--concurrency"),
      [32, 128, 512],
    )
    .option(
      "--cluster-concurrency <list>",
      "inserts in flight on the cluster",
      list("--cluster-concurrency"),
      [128, 512],
    )
    .option("--rounds <n>", "rounds; each measures every variant once", whole("--rounds"), 3)
    .option("--seconds <n>", "timed seconds of each capacity figure", whole("--seconds"), 10)
    .option("--warmup-seconds <n>", "unmeasured seconds before each", whole("--warmup-seconds"), 3)
    .option(
      "--restart-warmup-seconds <n>",
      "unmeasured seconds of inserts before the first figure after a restart",
      whole("--restart-warmup-seconds"),
      15,
    )
    .option(
      "--loss-concurrency <n>",
      "writes in flight in the lost-writes runs",
      whole("--loss-concurrency"),
      128,
    )
    .option(
      "--loss-seconds <n>",
      "seconds of writing before the SIGKILL",
      whole("--loss-seconds"),
      6,
    )
    .option(
      "--out <file>",
      "results file",
      path.join(REPO_ROOT, "bench", "commitlog", "results.json"),
    )
    .allowExcessArguments(false);
  cmd.parse([...argv]);
  return cmd.opts<Options>();
}

/** HEAD, marked when the measured code differs from it (the results file itself does not count). */
function commitId(out: string): string {
  const head = execFileSync("git", ["rev-parse", "HEAD"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  }).trim();
  const dirty = execFileSync(
    "git",
    ["status", "--porcelain", "--", "src", "bench", `:!${path.relative(REPO_ROOT, out)}`],
    { cwd: REPO_ROOT, encoding: "utf8" },
  ).trim();
  return dirty === "" ? head : `${head}+uncommitted`;
}

type Results = {
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  stacks: Partial<Record<StackName, StackRun>>;
};

function save(file: string, command: string, run: StackRun): void {
  const previous: Results | undefined = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Results)
    : undefined;
  const results: Results = {
    command,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    stacks: { ...previous?.stacks, [run.stack]: run },
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv);
  const command = `npx tsx bench/commitlog/main.ts ${process.argv.slice(2).join(" ")}`.trim();
  for (const name of o.stacks) {
    const single = name === "single";
    const run = await runStack(
      name,
      {
        variants: parseVariants(single ? o.variants : o.clusterVariants),
        concurrencies: single ? o.concurrency : o.clusterConcurrency,
        rounds: o.rounds,
        seconds: o.seconds,
        warmupSeconds: o.warmupSeconds,
        restartWarmupSeconds: o.restartWarmupSeconds,
        lossConcurrency: o.lossConcurrency,
        lossSeconds: o.lossSeconds,
        commit: commitId(path.resolve(o.out)),
        save: (r) => save(o.out, command, r),
      },
      say,
    );
    say(`\n## ${name}\n\n${capacityTable(run).join("\n")}\n\n${lostWritesTable(run).join("\n")}\n`);
  }
}

try {
  await main();
} catch (err) {
  console.error(
    `bench-commitlog: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  process.exit(1);
}
