/**
 * `npm run faults`: a steady labelled feed through a group of `geoanomaly detect` processes on a
 * local stack, faults injected one at a time, and per fault the events lost, duplicate rows,
 * anomalies never alerted, duplicate alerts, recovery of the committed offsets and crashes.
 * `--ci` runs the reduced version CI runs. Exit code 1 when any fault misses the bar.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Command, InvalidArgumentError } from "commander";
import { createCassandraClient } from "../src/cassandra/client.js";
import { loadConfig } from "../src/config/load.js";
import { configuredLayout } from "../src/config/layout.js";
import { createKafka } from "../src/kafka/client.js";
import { createRng } from "../src/synthetic/random.js";
import { Ledger } from "./accounting.js";
import { DEFAULT_STATE_DIR, positive, resultsDir, runSettings } from "./options.js";
import { AlertCounter } from "./alerts.js";
import { DetectorGroup } from "./detectors.js";
import {
  baseline,
  cassandraNodeKill,
  detectorAdd,
  detectorKill,
  detectorRemove,
  kafkaBrokerKill,
  singleCassandraKill,
  singleKafkaKill,
  type Fault,
  type FaultContext,
  type FaultMarks,
} from "./faults.js";
import { LabelledFeed } from "./feed.js";
import { OffsetWatcher } from "./offsets.js";
import {
  longestGroupStall,
  longestPartitionPause,
  peakBacklog,
  secondsUntilAllAdvance,
} from "./progress.js";
import {
  judge,
  markdownReport,
  type FaultRun,
  type PhaseResult,
  type StackResult,
} from "./report.js";
import { CliStack } from "./stack.js";
import { storedRows } from "./storage.js";

interface Options {
  readonly ci: boolean;
  readonly out: string;
  readonly rate?: number;
  readonly seed: number;
  readonly stateDir: string;
  readonly loopbackOffset: number;
}

interface StackPlan {
  readonly name: string;
  readonly brokers: number;
  readonly nodes: number;
  readonly faults: readonly Fault[];
}

const log = (line: string): void =>
  console.log(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}`);

function plans(ci: boolean): StackPlan[] {
  if (ci)
    return [
      {
        name: "cluster",
        brokers: 3,
        nodes: 3,
        faults: [baseline, detectorKill(1), cassandraNodeKill],
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
    },
    {
      name: "single",
      brokers: 1,
      nodes: 1,
      faults: [baseline, singleKafkaKill, singleCassandraKill],
    },
  ];
}

async function waitCaughtUp(
  watcher: OffsetWatcher,
  threshold: number,
  timeoutMs: number,
): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if ((await watcher.freshBacklog()) <= threshold) return (Date.now() - t0) / 1000;
    await sleep(500);
  }
  return null;
}

interface Phase {
  readonly fault: Fault;
  readonly startMs: number;
  readonly endMs: number;
  readonly marks: FaultMarks;
  readonly caughtUpSeconds: number | null;
}

async function runStack(plan: StackPlan, opts: Options, rngSeed: number): Promise<StackResult> {
  const run = `faults-${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
  const stack = new CliStack(path.join(opts.stateDir, plan.name), opts.loopbackOffset, log);
  log(`${plan.name}: starting ${plan.brokers} broker(s) and ${plan.nodes} Cassandra node(s)`);
  const up = await stack.servers(
    "up",
    "--kafka-brokers",
    String(plan.brokers),
    "--cassandra-nodes",
    String(plan.nodes),
  );
  const nodeReadySeconds = CliStack.readySeconds(up.output);
  const nodeRssMiB = await stack.rssMiB();
  const env = runSettings(stack.clientSettings(), run, {
    KAFKA_SESSION_TIMEOUT_MS: "10000",
    LOG_LEVEL: "warn",
  });
  const config = loadConfig({}, env);
  const logDir = path.join(opts.out, plan.name);
  mkdirSync(logDir, { recursive: true });
  const detectors = new DetectorGroup(env, logDir, log);
  const kafka = createKafka(config);
  const admin = kafka.admin();
  const ledger = new Ledger();
  const feed = new LabelledFeed(kafka, config.inputTopic, ledger, {
    seed: rngSeed,
    idPrefix: `${run}-`,
    anomalyFraction: 0.01,
    magnitudes: [25, 40],
  });
  const watcher = new OffsetWatcher(admin, config.groupId, config.inputTopic);
  const alerts = new AlertCounter(kafka, config.alertTopic, `${run}.alert-reader`);
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    for (const m of detectors.memory()) peakRss = Math.max(peakRss, m.rssMiB);
  }, 1000);
  const phases: Phase[] = [];
  try {
    const ctx: FaultContext = {
      stack,
      detectors,
      rng: createRng(rngSeed),
      groupSize: 2,
      downMs: opts.ci ? 30_000 : 45_000,
    };
    await detectors.keep(ctx.groupSize);
    await admin.connect();
    watcher.start();
    await alerts.start();
    await feed.connect();

    const warm = opts.ci ? 3000 : 4000;
    log(`${plan.name}: warm-up of ${warm} events as fast as the group takes them (calibration)`);
    const w0 = Date.now();
    await feed.warmUp(warm);
    const warmSeconds = await waitCaughtUp(watcher, 0, 300_000);
    if (warmSeconds === null) throw new Error("the group did not finish the warm-up within 5 min");
    const sustained = warm / ((Date.now() - w0) / 1000);
    const rate = opts.rate ?? Math.max(10, Math.round(sustained / 2));
    log(`${plan.name}: sustained ${sustained.toFixed(0)} events/s; feeding ${rate} events/s`);
    feed.phase = plan.faults[0]?.name ?? "steady";
    feed.setRate(rate);

    for (const fault of plan.faults) {
      feed.phase = fault.name;
      const startMs = Date.now();
      log(`${plan.name}: ${fault.title}`);
      const marks = await fault.inject(ctx);
      const caughtUpSeconds = await waitCaughtUp(watcher, Math.max(20, rate * 2), 240_000);
      await sleep(3_000);
      phases.push({ fault, startMs, endMs: Date.now(), marks, caughtUpSeconds });
      log(
        `${plan.name}: ${fault.name}: ${marks.detail}; caught up after ${caughtUpSeconds ?? "never"} s`,
      );
      await detectors.keep(ctx.groupSize);
    }
    feed.phase = "drain";
    await feed.stop();
    log(`${plan.name}: feed stopped after ${ledger.size} events; draining`);
    if ((await waitCaughtUp(watcher, 0, 300_000)) === null)
      log("the group did not drain within 5 min");
    while (Date.now() - alerts.lastArrivalMs < 10_000) await sleep(1000);
    await detectors.stopAll();
    watcher.stop();
    await watcher.sampleNow().catch(() => undefined);

    log(`${plan.name}: reading back every table`);
    const client = createCassandraClient(config);
    await client.connect();
    const stored = await storedRows(client, config.cassandraKeyspace, configuredLayout(config));
    const counts = ledger.count(stored, alerts.perEvent);
    await client
      .execute(`DROP KEYSPACE IF EXISTS ${config.cassandraKeyspace}`)
      .catch(() => undefined);
    await client.shutdown();

    const samples = watcher.samples;
    const results: PhaseResult[] = [];
    const warmCounts = counts.get("warm-up");
    if (warmCounts !== undefined) {
      const base = {
        ...warmCounts,
        name: "warm-up",
        title: "warm-up (calibration)",
        detail: `${warm} events without anomalies, as fast as acknowledged`,
        replicated: false,
        advanceAfterFaultSeconds: null,
        advanceAfterRestoreSeconds: null,
        longestPartitionPauseSeconds: 0,
        longestGroupStallSeconds: 0,
        peakBacklog: warm,
        caughtUpSeconds: warmSeconds,
        crashes: detectors.crashes.filter((x) => x.atMs <= w0 + warmSeconds * 1000).length,
      };
      const failures = judge(base);
      results.push({ ...base, passed: failures.length === 0, failures });
    }
    for (const p of phases) {
      const c = counts.get(p.fault.name);
      if (c === undefined) continue;
      const downFrom = p.marks.faultAtMs;
      const downTo = p.marks.restoredAtMs ?? p.endMs;
      const base = {
        ...c,
        name: p.fault.name,
        title: p.fault.title,
        detail: p.marks.detail,
        replicated: p.fault.replicated,
        advanceAfterFaultSeconds: secondsUntilAllAdvance(samples, p.marks.faultAtMs) ?? null,
        advanceAfterRestoreSeconds:
          p.marks.restoredAtMs === undefined
            ? null
            : (secondsUntilAllAdvance(samples, p.marks.restoredAtMs) ?? null),
        longestPartitionPauseSeconds: longestPartitionPause(samples, p.startMs, p.endMs).seconds,
        longestGroupStallSeconds: p.fault.replicated
          ? longestGroupStall(samples, downFrom, downTo)
          : longestGroupStall(samples, p.startMs, p.endMs),
        peakBacklog: peakBacklog(samples, p.startMs, p.endMs),
        caughtUpSeconds: p.caughtUpSeconds,
        crashes: detectors.crashes.filter((x) => x.atMs >= p.startMs && x.atMs <= p.endMs).length,
      };
      const failures = judge(base);
      results.push({ ...base, passed: failures.length === 0, failures });
    }
    const drain = counts.get("drain");
    if (drain !== undefined && drain.produced > 0)
      log(`note: ${drain.produced} events counted under drain`);
    const unclean = detectors.stops.filter((x) => x.code !== 0);
    if (unclean.length > 0)
      log(`detectors stopped with SIGTERM that did not exit 0: ${JSON.stringify(unclean)}`);
    return {
      name: plan.name,
      kafkaBrokers: plan.brokers,
      cassandraNodes: plan.nodes,
      upSeconds: up.seconds,
      nodeReadySeconds,
      nodeRssMiB,
      detectors: 2,
      sustainedPerSecond: sustained,
      feedPerSecond: rate,
      detectorPeakRssMiB: peakRss,
      phases: results,
      uncleanStops: unclean,
    };
  } finally {
    clearInterval(rssTimer);
    watcher.stop();
    for (const d of detectors.alive) d.child.kill("SIGKILL");
    await alerts.stop().catch(() => undefined);
    await admin
      .deleteTopics({ topics: [config.inputTopic, config.deadLetterTopic, config.alertTopic] })
      .catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await stack.servers("down").catch((err: unknown) => log(String(err)));
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
      "feed rate (default: half the sustained rate measured on the warm-up)",
      positive,
    )
    .option("--seed <n>", "random seed of the feed and the fault moments", positive)
    .option(
      "--only <names>",
      "comma-separated faults to run (after the baseline), e.g. kafka-kill or detector-kill-1; stacks with none of them are skipped",
    )
    .option("--state-dir <dir>", "state folder of the suite's stacks", DEFAULT_STATE_DIR)
    .parse();
  const flags = program.opts<{
    ci?: boolean;
    out?: string;
    rate?: number;
    seed?: number;
    only?: string;
    stateDir: string;
  }>();
  const startedAt = new Date();
  const opts: Options = {
    ci: flags.ci === true,
    out: flags.out ?? resultsDir("", startedAt),
    ...(flags.rate === undefined ? {} : { rate: flags.rate }),
    seed: Math.trunc(flags.seed ?? Date.now() % 1_000_000),
    stateDir: flags.stateDir,
    // Beside any stack on 127.0.0.1: the suite's nodes listen on 127.0.0.(offset + i).
    loopbackOffset: Number(process.env["GEOANOMALY_LOOPBACK_OFFSET"] ?? "20"),
  };
  mkdirSync(opts.out, { recursive: true });
  log(`seed ${opts.seed}, results in ${opts.out}`);
  const stacks: StackResult[] = [];
  const only = flags.only
    ?.split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
  const known = plans(opts.ci).flatMap((p) => p.faults.map((f) => f.name));
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
        : { ...p, faults: p.faults.filter((f) => f === baseline || only.includes(f.name)) },
    )
    .filter((p) => p.faults.some((f) => f !== baseline));
  for (const plan of chosen) stacks.push(await runStack(plan, opts, opts.seed));
  const result: FaultRun = {
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    mode: opts.ci ? "ci" : "full",
    seed: opts.seed,
    machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    stacks,
  };
  writeFileSync(path.join(opts.out, "results.json"), `${JSON.stringify(result, null, 2)}\n`);
  const report = markdownReport(result);
  writeFileSync(path.join(opts.out, "report.md"), report);
  console.log(report);
  const phases = stacks.flatMap((s) => s.phases);
  const failed = phases.filter((p) => !p.passed).length;
  const unclean = stacks.flatMap((s) => s.uncleanStops).length;
  console.log(
    `faults: ${phases.length - failed} passed, ${failed} failed; ${unclean} unclean shutdowns`,
  );
  process.exitCode = failed === 0 && unclean === 0 ? 0 : 1;
}

await main();
