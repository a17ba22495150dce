/**
 * `npm run faults`: a steady labelled feed through a group of `geoanomaly detect` processes on a
 * local stack, faults injected one at a time, and per fault the events lost, duplicate rows,
 * anomalies never alerted (each with the detector's verdict on it), duplicate alerts, recovery of
 * the committed offsets and crashes; then, on the 3-node cluster, the fixed-rate situations of a
 * fresh group (start-up, a Cassandra node lost while it starts, a broker lost while it runs).
 * `--ci` runs the reduced version CI runs. Exit code 1 when any fault misses the bar.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import {
  baseline,
  cassandraNodeKill,
  detectorAdd,
  detectorKill,
  detectorRemove,
  kafkaBrokerKill,
  singleCassandraKill,
  singleKafkaKill,
} from "./faults.js";
import { FIXED_RATE_SITUATIONS, runFixedRate, type FixedRateSituation } from "./fixed-rate.js";
import type { FixedRateResult } from "./fixed-rate.js";
import { runHalfRate, type HalfRatePlan } from "./half-rate.js";
import { DEFAULT_STATE_DIR, positive, resultsDir } from "./options.js";
import { markdownReport, type FaultRun, type StackResult } from "./report.js";
import { CliStack } from "./stack.js";

interface Options {
  readonly ci: boolean;
  readonly out: string;
  readonly rate?: number;
  readonly fixedRate: number;
  readonly seed: number;
  readonly stateDir: string;
  readonly loopbackOffset: number;
  readonly logLevel: string;
  readonly keepServers: boolean;
}

/** A stack, the faults injected at half rate and the fixed-rate situations run on it. */
interface StackPlan extends HalfRatePlan {
  readonly fixedRate: readonly FixedRateSituation[];
}

const log = (line: string): void =>
  console.log(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** The fixed-rate situations stay out of --ci: CI's time is capped and they take ~10 min. */
function plans(ci: boolean): StackPlan[] {
  if (ci)
    return [
      {
        name: "cluster",
        brokers: 3,
        nodes: 3,
        faults: [baseline, detectorKill(1), cassandraNodeKill],
        fixedRate: [],
      },
    ];
  return [
    {
      name: "cluster",
      brokers: 3,
      nodes: 3,
      faults: [
        baseline,
        ...[1, 2, 3, 4, 5].map(detectorKill),
        detectorAdd,
        detectorRemove,
        cassandraNodeKill,
        kafkaBrokerKill,
      ],
      fixedRate: FIXED_RATE_SITUATIONS,
    },
    {
      name: "single",
      brokers: 1,
      nodes: 1,
      faults: [baseline, singleKafkaKill, singleCassandraKill],
      fixedRate: [],
    },
  ];
}

/** Starts the plan's stack, runs its half-rate faults and fixed-rate situations, stops it. */
async function runStack(
  plan: StackPlan,
  opts: Options,
): Promise<{ stack?: StackResult; fixedRate: FixedRateResult[] }> {
  const stack = new CliStack(path.join(opts.stateDir, plan.name), opts.loopbackOffset, log);
  log(`${plan.name}: starting ${plan.brokers} broker(s) and ${plan.nodes} Cassandra node(s)`);
  const up = await stack.servers(
    "up",
    "--kafka-brokers",
    String(plan.brokers),
    "--cassandra-nodes",
    String(plan.nodes),
  );
  try {
    const on = {
      stack,
      upSeconds: up.seconds,
      nodeReadySeconds: CliStack.readySeconds(up.output),
      nodeRssMiB: await stack.rssMiB(),
    };
    const halfRate = plan.faults.some((f) => f !== baseline)
      ? await runHalfRate(plan, on, opts, log)
      : undefined;
    const fixedRate: FixedRateResult[] = [];
    for (const situation of plan.fixedRate) {
      log(`${plan.name}: ${situation.title}`);
      const r = await runFixedRate(
        stack,
        situation,
        {
          rate: opts.fixedRate,
          feedSeconds: 60,
          quietEvents: opts.fixedRate * 15,
          feedDelayMs: 15_000,
          downMs: 30_000,
          seed: opts.seed,
          logLevel: opts.logLevel,
        },
        path.join(opts.out, plan.name),
        log,
      );
      log(`${plan.name}: ${situation.name}: ${r.passed ? "pass" : r.failures.join("; ")}`);
      fixedRate.push(r);
      // Kept as it comes, so a run cut short still leaves the situations it finished.
      writeFileSync(
        path.join(opts.out, "fixed-rate-partial.json"),
        `${JSON.stringify(fixedRate, null, 2)}\n`,
      );
    }
    return { ...(halfRate === undefined ? {} : { stack: halfRate }), fixedRate };
  } finally {
    if (!opts.keepServers) await stack.servers("down").catch((err: unknown) => log(String(err)));
  }
}

async function main(): Promise<void> {
  const program = new Command("faults")
    .description(
      "Fault suite: a labelled feed through a detector group on a local stack, faults one at a time, counts per fault.",
    )
    .option("--ci", "reduced run: 3-node cluster, one detector kill, one Cassandra node loss")
    .option("--out <dir>", "where results.json, report.md and detector logs go")
    .option(
      "--rate <events/s>",
      "feed rate of the half-rate phases (default: half the sustained rate measured on the warm-up)",
      positive,
    )
    .option(
      "--fixed-rate <events/s>",
      "feed rate of the fixed-rate situations, from their first second",
      positive,
      40,
    )
    .option("--seed <n>", "random seed of the feed and the fault moments", positive)
    .option(
      "--only <names>",
      "comma-separated faults or fixed-rate situations to run (after the baseline), e.g. kafka-kill, detector-kill-1 or start-up; stacks with none of them are skipped",
    )
    .option("--state-dir <dir>", "state folder of the suite's stacks", DEFAULT_STATE_DIR)
    .option("--log-level <level>", "LOG_LEVEL of the detectors (their logs go to --out)", "warn")
    .option("--keep-servers", "leave each stack running at the end (a later run reuses it)")
    .parse();
  const flags = program.opts<{
    ci?: boolean;
    out?: string;
    rate?: number;
    fixedRate: number;
    seed?: number;
    only?: string;
    stateDir: string;
    logLevel: string;
    keepServers?: boolean;
  }>();
  const startedAt = new Date();
  const opts: Options = {
    ci: flags.ci === true,
    out: flags.out ?? resultsDir("", startedAt),
    ...(flags.rate === undefined ? {} : { rate: flags.rate }),
    fixedRate: flags.fixedRate,
    seed: Math.trunc(flags.seed ?? Date.now() % 1_000_000),
    stateDir: flags.stateDir,
    // Beside any stack on 127.0.0.1: the suite's nodes listen on 127.0.0.(offset + i).
    loopbackOffset: Number(process.env["GEOANOMALY_LOOPBACK_OFFSET"] ?? "20"),
    logLevel: flags.logLevel,
    keepServers: flags.keepServers === true,
  };
  mkdirSync(opts.out, { recursive: true });
  log(`seed ${opts.seed}, results in ${opts.out}`);
  const only = flags.only
    ?.split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
  const known = plans(opts.ci).flatMap((p) => [
    ...p.faults.map((f) => f.name),
    ...p.fixedRate.map((f) => f.name),
  ]);
  const unknown = (only ?? []).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `--only: unknown ${unknown.join(", ")}; known: ${known.join(", ")}`,
    );
  }
  const chosen = plans(opts.ci)
    .map((p) =>
      only === undefined
        ? p
        : {
            ...p,
            faults: p.faults.filter((f) => f === baseline || only.includes(f.name)),
            fixedRate: p.fixedRate.filter((f) => only.includes(f.name)),
          },
    )
    .filter((p) => p.faults.some((f) => f !== baseline) || p.fixedRate.length > 0);
  const stacks: StackResult[] = [];
  const fixedRate: FixedRateResult[] = [];
  for (const plan of chosen) {
    const r = await runStack(plan, opts);
    if (r.stack !== undefined) stacks.push(r.stack);
    fixedRate.push(...r.fixedRate);
  }
  const result: FaultRun = {
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    mode: opts.ci ? "ci" : "full",
    seed: opts.seed,
    machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    stacks,
    fixedRate,
  };
  writeFileSync(path.join(opts.out, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  const report = markdownReport(result);
  writeFileSync(path.join(opts.out, "report.md"), report);
  console.log(report);
  const phases = [...stacks.flatMap((s) => s.phases), ...fixedRate];
  const failed = phases.filter((p) => !p.passed).length;
  const unclean = stacks.flatMap((s) => s.uncleanStops).length;
  console.log(
    `faults: ${phases.length - failed} passed, ${failed} failed; ${unclean} unclean shutdowns`,
  );
  process.exitCode = failed === 0 && unclean === 0 ? 0 : 1;
}

await main();
