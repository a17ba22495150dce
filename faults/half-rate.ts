/**
 * The half-rate phases of the fault suite: a group warmed up and fed at half the rate it
 * sustained, faults injected one at a time once it is warm, and per fault the counts and the
 * progress of its committed offsets.
 */
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createCassandraClient } from "../src/cassandra/client.js";
import { configuredLayout } from "../src/config/layout.js";
import { createRng } from "../src/synthetic/random.js";
import type { Fault, FaultContext, FaultMarks } from "./faults.js";
import type { OffsetWatcher } from "./offsets.js";
import {
  longestGroupStall,
  longestPartitionPause,
  peakBacklog,
  secondsUntilAllAdvance,
} from "./progress.js";
import { judge, type PhaseResult, type StackResult } from "./report.js";
import type { CliStack } from "./stack.js";
import { storedRows } from "./storage.js";
import { runParts } from "./run-parts.js";
import { explainMisses } from "./verdicts.js";

/** A stack's shape and the faults injected into it at half rate. */
export interface HalfRatePlan {
  readonly name: string;
  readonly brokers: number;
  readonly nodes: number;
  readonly faults: readonly Fault[];
}

export interface HalfRateOptions {
  readonly ci: boolean;
  readonly out: string;
  readonly rate?: number;
  readonly seed: number;
  readonly logLevel: string;
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

/** The stack a half-rate plan runs on, started by the caller: its figures from `servers up`. */
export interface StackUp {
  readonly stack: CliStack;
  readonly upSeconds: number;
  readonly nodeReadySeconds: Record<string, number>;
  readonly nodeRssMiB: Record<string, number>;
}

/**
 * The half-rate phases of a plan on a running stack: a warm-up that measures the sustained rate,
 * then the faults one at a time under a feed at half that rate, then every table read back.
 */
export async function runHalfRate(
  plan: HalfRatePlan,
  on: StackUp,
  opts: HalfRateOptions,
  log: (line: string) => void,
): Promise<StackResult> {
  const { stack, nodeReadySeconds, nodeRssMiB } = on;
  const { config, verdicts, detectors, admin, ledger, feed, watcher, alerts } = runParts({
    prefix: "faults",
    clientSettings: stack.clientSettings(),
    logLevel: opts.logLevel,
    logDir: path.join(opts.out, plan.name),
    seed: opts.seed,
    magnitudes: [25, 40],
    log,
  });
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    for (const m of detectors.memory()) peakRss = Math.max(peakRss, m.rssMiB);
  }, 1000);
  const phases: Phase[] = [];
  try {
    const ctx: FaultContext = {
      stack,
      detectors,
      rng: createRng(opts.seed),
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
    log(
      `${plan.name}: feed stopped after ${ledger.size} events (${feed.resent} sent again: ` +
        "kafkajs had not confirmed their partition); draining",
    );
    if ((await waitCaughtUp(watcher, 0, 300_000)) === null)
      log("the group did not drain within 5 min");
    while (Date.now() - alerts.lastArrivalMs < 10_000) await sleep(1000);
    await detectors.stopAll();
    verdicts.stop();
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
        missed: explainMisses(warmCounts.missedIds, verdicts.verdicts, config.threshold),
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
        missed: explainMisses(c.missedIds, verdicts.verdicts, config.threshold),
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
      upSeconds: on.upSeconds,
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
    verdicts.stop();
  }
}
