/**
 * `npm run overload`: one `geoanomaly detect` on a local single-node stack, fed at twice the rate
 * it sustains for several minutes, then at half of it again. Samples the detector's RSS from
 * /proc, /healthz and /readyz, and the group's backlog; reads p99 end to end from /latency before
 * the overload and after the backlog is gone. Writes overload.json and overload.md.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Command } from "commander";
import { loadConfig } from "../src/config/load.js";
import type { LatencySummary } from "../src/observability/latency.js";
import { createKafka } from "../src/kafka/client.js";
import { Ledger } from "./accounting.js";
import { DEFAULT_STATE_DIR, positive, resultsDir, runSettings } from "./options.js";
import { DetectorGroup, rssMiB, type Detector } from "./detectors.js";
import { LabelledFeed } from "./feed.js";
import { OffsetWatcher } from "./offsets.js";
import {
  judgeOverload,
  overloadMarkdown,
  type OverloadRun,
  type OverloadSample,
} from "./overload-report.js";
import { CliStack } from "./stack.js";

const log = (line: string): void =>
  console.log(`[overload ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function latency(d: Detector, reset: boolean): Promise<LatencySummary> {
  const base = `http://127.0.0.1:${d.port}/latency`;
  const res = reset ? await fetch(`${base}/reset`, { method: "POST" }) : await fetch(base);
  if (!res.ok) throw new Error(`${base}: HTTP ${res.status}`);
  return (await res.json()) as LatencySummary;
}

async function statusOf(d: Detector, route: string): Promise<number> {
  try {
    return (
      await fetch(`http://127.0.0.1:${d.port}${route}`, { signal: AbortSignal.timeout(2000) })
    ).status;
  } catch {
    return 0;
  }
}

/** V8 heap in use, from the detector's own /metrics (prom-client's Node metrics). */
async function heapUsedMiB(d: Detector): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${d.port}/metrics`, {
      signal: AbortSignal.timeout(2000),
    });
    const m = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(await res.text());
    return m?.[1] === undefined ? 0 : Number(m[1]) / 2 ** 20;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const flags = new Command("overload")
    .description(
      "Twice the sustained rate for several minutes: detector memory, health, backlog, p99 recovery.",
    )
    .option("--minutes <n>", "length of the overload", positive, 5)
    .option("--factor <x>", "overload rate as a multiple of the sustained rate", positive, 2)
    .option(
      "--rate <events/s>",
      "sustained rate to assume (default: measured on a warm-up backlog)",
      positive,
    )
    .option("--out <dir>", "where overload.json and overload.md go")
    .option("--state-dir <dir>", "state folder of the stack", DEFAULT_STATE_DIR)
    .parse()
    .opts<{ minutes: number; factor: number; rate?: number; out?: string; stateDir: string }>();
  const startedAt = new Date();
  const out = flags.out ?? resultsDir("overload-", startedAt);
  mkdirSync(out, { recursive: true });
  const run = `overload-${Date.now().toString(36)}-${randomBytes(2).toString("hex")}`;
  const stack = new CliStack(
    path.join(flags.stateDir, "single"),
    Number(process.env["GEOANOMALY_LOOPBACK_OFFSET"] ?? "20"),
    log,
  );
  await stack.servers("up", "--kafka-brokers", "1", "--cassandra-nodes", "1");
  // Info: start, stop (with the signal that asked for it), pauses; no line per event.
  const env = runSettings(stack.clientSettings(), run, { LOG_LEVEL: "info" });
  const config = loadConfig({}, env);
  const detectors = new DetectorGroup(env, out, log);
  const kafka = createKafka(config);
  const admin = kafka.admin();
  const feed = new LabelledFeed(kafka, config.inputTopic, new Ledger(), {
    seed: 7,
    idPrefix: `${run}-`,
    anomalyFraction: 0.01,
    magnitudes: [25, 40],
  });
  const watcher = new OffsetWatcher(admin, config.groupId, config.inputTopic, 1000);
  const samples: OverloadSample[] = [];
  let sampling: NodeJS.Timeout | undefined;
  try {
    const d = await detectors.add();
    await admin.connect();
    watcher.start();
    await feed.connect();
    const warm = 5000;
    const w0 = Date.now();
    await feed.warmUp(warm);
    while ((await watcher.freshBacklog()) > 0) await sleep(500);
    const sustained = flags.rate ?? warm / ((Date.now() - w0) / 1000);
    const low = Math.max(5, Math.round(sustained / 2));
    const high = Math.round(sustained * flags.factor);
    log(
      `sustained ${sustained.toFixed(0)} events/s: ${low}/s before and after, ${high}/s for ${flags.minutes} min`,
    );
    const t0 = Date.now();
    let phase: OverloadSample["phase"] = "before";
    const tick = async (): Promise<void> => {
      const [health, ready, heap] = await Promise.all([
        statusOf(d, "/healthz"),
        statusOf(d, "/readyz"),
        heapUsedMiB(d),
      ]);
      samples.push({
        tS: (Date.now() - t0) / 1000,
        phase,
        rssMiB: rssMiB(d.pid) ?? 0,
        heapUsedMiB: heap,
        backlog: watcher.backlog(),
        healthz: health,
        readyz: ready,
      });
    };
    sampling = setInterval(() => void tick(), 2000);

    await latency(d, true); // the warm-up backlog's latencies are not the "before" figure
    feed.setRate(low);
    await sleep(60_000);
    const before = await latency(d, true);
    phase = "overload";
    feed.setRate(high);
    await sleep(flags.minutes * 60_000);
    phase = "recovery";
    const overloadEndS = (Date.now() - t0) / 1000;
    feed.setRate(low);
    const drainStart = Date.now();
    while ((await watcher.freshBacklog()) > low * 2 && Date.now() - drainStart < 20 * 60_000)
      await sleep(1000);
    const drainSeconds = (Date.now() - drainStart) / 1000;
    await latency(d, true);
    phase = "after";
    await sleep(60_000);
    const after = await latency(d, true);
    clearInterval(sampling);
    await feed.stop();
    const result: OverloadRun = {
      startedAt: startedAt.toISOString(),
      machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      sustainedPerSecond: sustained,
      lowPerSecond: low,
      highPerSecond: high,
      overloadMinutes: flags.minutes,
      overloadEndS,
      drainSeconds,
      p99BeforeMs: before.p99,
      p99AfterMs: after.p99,
      crashes: detectors.crashes.length,
      samples,
      failures: [],
    };
    const failures = judgeOverload(result);
    const final = { ...result, failures };
    writeFileSync(path.join(out, "overload.json"), `${JSON.stringify(final, null, 2)}\n`);
    const md = overloadMarkdown(final);
    writeFileSync(path.join(out, "overload.md"), md);
    console.log(md);
    console.log(`overload: ${failures.length === 0 ? "1 passed, 0 failed" : "0 passed, 1 failed"}`);
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    if (sampling !== undefined) clearInterval(sampling);
    watcher.stop();
    await detectors.stopAll();
    await admin
      .deleteTopics({ topics: [config.inputTopic, config.deadLetterTopic, config.alertTopic] })
      .catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await stack.servers("down").catch((err: unknown) => log(String(err)));
  }
}

await main();
