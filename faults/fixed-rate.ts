/**
 * The situations a deployment meets that the half-rate phases do not: a group that has just
 * started, fed at a fixed rate from its first second (producers do not wait for the detectors),
 * with a Cassandra node lost while the group starts or a broker lost while it runs. Each
 * situation gets its own topics, keyspace and group, and two detectors started together; it
 * reports when the group first committed after the first event, the longest stall of its commits
 * from then on, the CPU while it ran, and every injected anomaly's fate.
 */
import path from "node:path";
import type { Admin } from "kafkajs";
import { setTimeout as sleep } from "node:timers/promises";
import { runCommand } from "../bench/lib/detector-process.js";
import { createCassandraClient } from "../src/cassandra/client.js";
import { configuredLayout } from "../src/config/layout.js";
import { ensureTopicsOn } from "../src/kafka/topics.js";
import type { PhaseCounts } from "./accounting.js";
import { CpuWatcher, type CpuSummary } from "./cpu.js";
import type { LabelledFeed } from "./feed.js";
import { locateLost, type LostEvent } from "./locate.js";
import type { OffsetWatcher } from "./offsets.js";
import {
  firstCommitAt,
  longestGroupStall,
  longestGroupStallWindow,
  longestPartitionPause,
} from "./progress.js";
import { CliStack } from "./stack.js";
import { storedRows } from "./storage.js";
import { runParts } from "./run-parts.js";
import { explainMisses, type MissedAnomaly } from "./verdicts.js";

/**
 * A node lost during a situation, counted from the first event Kafka acknowledged: a named node,
 * or `group-coordinator`, the broker coordinating the run's consumer group at that moment.
 */
export interface TimedFault {
  readonly node: string;
  readonly afterFirstEventMs: number;
}

/** The fault node that stands for the group's coordinator, found when the fault strikes. */
export const GROUP_COORDINATOR = "group-coordinator";

export interface FixedRateSituation {
  readonly name: string;
  readonly title: string;
  readonly fault?: TimedFault;
  /**
   * Who makes the keyspace and tables: the operator's `geoanomaly schema apply` before the
   * detectors start (a deploy or restart, the schema there already), or the two detectors
   * themselves on a keyspace nobody made (a first install without that step).
   */
  readonly schemaBy: "operator" | "detectors";
}

/** The timeline: chunks of 2.5 s; a node killed before chunk 4 or chunk 12. */
export const FIXED_RATE_SITUATIONS: readonly FixedRateSituation[] = [
  { name: "start-up", title: "start-up of two detectors at a fixed rate", schemaBy: "operator" },
  {
    name: "start-up-new-keyspace",
    title: "start-up at a fixed rate, the two detectors creating the keyspace and tables",
    schemaBy: "detectors",
  },
  {
    name: "start-up-cassandra-kill",
    title: "start-up at a fixed rate, one Cassandra node of 3 lost while the group starts",
    fault: { node: "cassandra-2", afterFirstEventMs: 7_500 },
    schemaBy: "operator",
  },
  {
    name: "running-kafka-kill",
    title: "fixed rate, one Kafka broker of 3 lost while the group runs",
    fault: { node: "kafka-3", afterFirstEventMs: 27_500 },
    schemaBy: "operator",
  },
  {
    name: "running-coordinator-kill",
    title: "fixed rate, the group's coordinator broker lost while the group runs",
    fault: { node: GROUP_COORDINATOR, afterFirstEventMs: 27_500 },
    schemaBy: "operator",
  },
];

export interface FixedRateOptions {
  readonly rate: number;
  /** How long the feed runs (at least until a fault's node is back). */
  readonly feedSeconds: number;
  /** Events without anomalies first (history for the checks after them). */
  readonly quietEvents: number;
  /** Time from starting the detectors to the first event. */
  readonly feedDelayMs: number;
  readonly downMs: number;
  readonly seed: number;
  readonly logLevel: string;
}

export interface FixedRateResult extends Omit<PhaseCounts, "examples" | "missedIds" | "lostIds"> {
  readonly name: string;
  readonly title: string;
  readonly detail: string;
  readonly feedPerSecond: number;
  /** Seconds the operator's `schema apply` took before the detectors started (null: none ran). */
  readonly schemaSeconds: number | null;
  /** Seconds from spawning each detector to its /readyz (group joined). */
  readonly detectorReadySeconds: readonly number[];
  /** Seconds from the first event Kafka acknowledged to the group's first commit. */
  readonly firstCommitSeconds: number | null;
  /** Longest time no partition committed while input waited, from the first commit on. */
  readonly longestStallSeconds: number;
  /** The same within the fault (from the kill to the node answering again). */
  readonly faultStallSeconds: number | null;
  readonly longestPartitionPauseSeconds: number;
  /** Seconds from the feed's end until the backlog was 0. */
  readonly drainedSeconds: number | null;
  /** The CPU from the first event until drained, and within the longest stall. */
  readonly cpu: CpuSummary;
  readonly cpuDuringStall: CpuSummary;
  readonly missed: readonly MissedAnomaly[];
  /** Each lost event's place in the input topic (looked up before the topic is deleted). */
  readonly lostEvents: readonly LostEvent[];
  readonly crashes: number;
  readonly uncleanStops: number;
  readonly passed: boolean;
  readonly failures: readonly string[];
}

/** The bar of the issue: first commit within 20 s of the first event, no stall over 30 s. */
export const FIRST_COMMIT_LIMIT_SECONDS = 20;
export const FIXED_RATE_STALL_LIMIT_SECONDS = 30;

/** What fails a situation: the fault suite's bar, with the start-up and stall limits. */
export function judgeFixedRate(r: Omit<FixedRateResult, "passed" | "failures">): string[] {
  const out: string[] = [];
  if (r.lost > 0) out.push(`${r.lost} events lost`);
  if (r.duplicateRows > 0) out.push(`${r.duplicateRows} duplicate rows`);
  if (r.missedAnomalies > 0) out.push(`${r.missedAnomalies} anomalies never alerted`);
  if (r.crashes > 0) out.push(`${r.crashes} detector crashes`);
  if (r.uncleanStops > 0) out.push(`${r.uncleanStops} detectors did not exit 0 on SIGTERM`);
  if (r.drainedSeconds === null) out.push("the group did not drain the backlog");
  if (r.firstCommitSeconds === null || r.firstCommitSeconds > FIRST_COMMIT_LIMIT_SECONDS)
    out.push(`first commit after ${r.firstCommitSeconds?.toFixed(1) ?? "never"} s`);
  if (r.longestStallSeconds > FIXED_RATE_STALL_LIMIT_SECONDS)
    out.push(`commits stalled ${r.longestStallSeconds.toFixed(1)} s`);
  return out;
}

/** Runs the operator's `geoanomaly schema apply` with the run's settings; its seconds. */
async function applySchemaAsOperator(env: Record<string, string>): Promise<number> {
  const run = await runCommand(["schema", "apply"], env);
  if (run.code !== 0)
    throw new Error(`'geoanomaly schema apply' exited ${run.code}: ${run.output.trim()}`);
  return run.seconds;
}

/** Seconds until `watcher` sees no backlog, or null after `timeoutMs`. */
async function drained(watcher: OffsetWatcher, timeoutMs: number): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if ((await watcher.freshBacklog()) === 0) return (Date.now() - t0) / 1000;
    await sleep(500);
  }
  return null;
}

/**
 * How long a detector may take to be ready: two detectors creating one keyspace and its tables
 * on 3 nodes took 97 s on the shared machine (load 18), past the 2 min the other phases allow.
 */
const READY_LIMIT_MS = 300_000;

/** How long a restarted node may take to be confirmed by `servers start`. */
const RESTART_LIMIT_MS = 300_000;

/**
 * The broker coordinating `groupId`: the leader of the offsets topic's partition the group's id
 * maps to (Kafka's rule: the Java hash of the id, made non-negative, modulo the partition count).
 */
async function coordinatorBroker(admin: Admin, groupId: string): Promise<string> {
  const topic = "__consumer_offsets";
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics[0]?.partitions ?? [];
  const wanted = offsetsPartitionOf(groupId, partitions.length);
  const leader = partitions.find((p) => p.partitionId === wanted)?.leader;
  if (leader === undefined) throw new Error(`no leader known for ${topic} partition ${wanted}`);
  return `kafka-${leader}`;
}

/** Kafka's `Utils.abs(groupId.hashCode()) % partitions`, with Java's 32-bit string hash. */
export function offsetsPartitionOf(groupId: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i += 1)
    hash = (Math.imul(hash, 31) + groupId.charCodeAt(i)) | 0;
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  return abs % partitions;
}

/** Kills `fault.node` at its moment after the first event, restarts it after `downMs`. */
async function injectAfterFirstEvent(
  stack: CliStack,
  feed: LabelledFeed,
  fault: TimedFault,
  downMs: number,
  admin: Admin,
  groupId: string,
): Promise<{ atMs: number; restoredAtMs: number; detail: string }> {
  while (feed.firstAckMs === undefined) await sleep(100);
  await sleep(Math.max(0, feed.firstAckMs + fault.afterFirstEventMs - Date.now()));
  const node =
    fault.node === GROUP_COORDINATOR ? await coordinatorBroker(admin, groupId) : fault.node;
  const atMs = Date.now();
  await stack.servers("kill", node);
  await sleep(downMs);
  const killed =
    `${node}${fault.node === GROUP_COORDINATOR ? " (the group's coordinator)" : ""} killed ` +
    `${(fault.afterFirstEventMs / 1000).toFixed(1)} s after the first event, down ${(downMs / 1000).toFixed(0)} s`;
  try {
    const started = await stack.serversWithin(RESTART_LIMIT_MS, "start", node);
    const ready = Object.values(CliStack.readySeconds(started.output))[0];
    return {
      atMs,
      restoredAtMs: Date.now(),
      detail: `${killed}, answered ${ready?.toFixed(1) ?? "?"} s after its restart`,
    };
  } catch {
    // The node may well be serving (the detectors' drivers say so); only the tool's wait failed.
    return {
      atMs,
      restoredAtMs: Date.now(),
      detail: `${killed}; 'servers start' did not confirm within ${RESTART_LIMIT_MS / 1000} s`,
    };
  }
}

/** Runs one situation on a running 3-broker, 3-node stack. */
export async function runFixedRate(
  stack: CliStack,
  situation: FixedRateSituation,
  opts: FixedRateOptions,
  outDir: string,
  log: (line: string) => void,
): Promise<FixedRateResult> {
  const { env, config, verdicts, detectors, kafka, admin, ledger, feed, watcher, alerts } =
    runParts({
      prefix: "fixed",
      clientSettings: stack.clientSettings(),
      logLevel: opts.logLevel,
      logDir: path.join(outDir, situation.name),
      seed: opts.seed,
      magnitudes: [12, 25],
      log,
    });
  const cpu = new CpuWatcher();
  const topics = [config.inputTopic, config.deadLetterTopic, config.alertTopic];
  try {
    // The operator made the topics (and, but for a first install, the schema); the detectors
    // start together, the producers 15 s later.
    await ensureTopicsOn(
      kafka,
      topics.map((topic) => ({ topic, partitions: config.topicPartitions })),
      config.topicReplication,
    );
    const schemaSeconds =
      situation.schemaBy === "operator" ? await applySchemaAsOperator(env) : null;
    if (schemaSeconds !== null)
      log(`${situation.name}: 'geoanomaly schema apply' took ${schemaSeconds.toFixed(1)} s`);
    await admin.connect();
    await feed.connect();
    await alerts.start();
    cpu.start();
    watcher.start();
    const spawnedMs = Date.now();
    const readyTimes: number[] = [];
    const joining = Promise.all(
      [0, 1].map(() =>
        detectors.add(READY_LIMIT_MS).then(() => readyTimes.push((Date.now() - spawnedMs) / 1000)),
      ),
    );
    await sleep(opts.feedDelayMs);
    feed.phase = situation.name;
    feed.fixedRate(opts.rate, opts.quietEvents);
    const fault =
      situation.fault === undefined
        ? undefined
        : injectAfterFirstEvent(stack, feed, situation.fault, opts.downMs, admin, config.groupId);
    await joining;
    await sleep(opts.feedSeconds * 1000);
    const marks = await fault;
    await feed.stop();
    const feedEndMs = Date.now();
    log(
      `${situation.name}: feed stopped after ${ledger.size} events (${feed.resent} sent again: ` +
        "kafkajs had not confirmed their partition); draining",
    );
    const drainedSeconds = await drained(watcher, 600_000);
    const endMs = Date.now();
    while (Date.now() - alerts.lastArrivalMs < 10_000) await sleep(1000);
    await detectors.stopAll();
    watcher.stop();
    cpu.stop();
    verdicts.stop();

    const client = createCassandraClient(config);
    await client.connect();
    const stored = await storedRows(client, config.cassandraKeyspace, configuredLayout(config));
    await client
      .execute(`DROP KEYSPACE IF EXISTS ${config.cassandraKeyspace}`)
      .catch(() => undefined);
    await client.shutdown();
    const counts = ledger.count(stored, alerts.perEvent).get(situation.name);
    if (counts === undefined) throw new Error(`${situation.name}: no events were produced`);
    const { examples: _examples, missedIds, lostIds, ...rest } = counts;
    const lostEvents = await locateLost(
      kafka,
      config.inputTopic,
      config.groupId,
      lostIds.slice(0, 200),
    ).catch((err: unknown) => {
      log(`${situation.name}: could not look the lost events up: ${String(err)}`);
      return [];
    });

    const samples = watcher.samples;
    const firstEventMs = feed.firstAckMs ?? feedEndMs;
    const firstCommitMs = firstCommitAt(samples);
    const from = firstCommitMs ?? firstEventMs;
    const stall = longestGroupStallWindow(samples, from, endMs);
    const base = {
      ...rest,
      name: situation.name,
      title: situation.title,
      detail:
        (schemaSeconds === null
          ? "schema made by the detectors; "
          : `schema applied by the operator in ${schemaSeconds.toFixed(1)} s; `) +
        (marks?.detail ??
          `nothing injected; detectors ready after ${readyTimes.map((t) => t.toFixed(1)).join(" and ")} s`) +
        (feed.resent > 0
          ? `; the feed sent ${feed.resent} event${feed.resent === 1 ? "" : "s"} again whose partition kafkajs's send had skipped`
          : ""),
      feedPerSecond: opts.rate,
      schemaSeconds,
      detectorReadySeconds: readyTimes,
      firstCommitSeconds:
        firstCommitMs === undefined ? null : (firstCommitMs - firstEventMs) / 1000,
      longestStallSeconds: stall.seconds,
      faultStallSeconds:
        marks === undefined ? null : longestGroupStall(samples, marks.atMs, marks.restoredAtMs),
      longestPartitionPauseSeconds: longestPartitionPause(samples, from, endMs).seconds,
      drainedSeconds: drainedSeconds === null ? null : drainedSeconds,
      cpu: cpu.summary(firstEventMs, endMs),
      cpuDuringStall: cpu.summary(stall.fromMs, stall.toMs),
      missed: explainMisses(missedIds, verdicts.verdicts, config.threshold),
      lostEvents,
      crashes: detectors.crashes.length,
      uncleanStops: detectors.stops.filter((s) => s.code !== 0).length,
    };
    const failures = judgeFixedRate(base);
    return { ...base, passed: failures.length === 0, failures };
  } finally {
    watcher.stop();
    cpu.stop();
    verdicts.stop();
    for (const d of detectors.alive) d.child.kill("SIGKILL");
    await alerts.stop().catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
