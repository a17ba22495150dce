/**
 * `npm run bench`: the benchmark harness. Brings up (or finds) Kafka and Cassandra, measures
 * Cassandra's raw capacity, runs the default row (three times) and the variant rows, optionally
 * beside another checkout's detector, and writes results.json, report.md and chart.svg.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { createCassandraClient } from "../src/cassandra/client.js";
import { loadConfig } from "../src/config/load.js";
import { resolveLocalEndpoints } from "../src/servers/endpoints.js";
import { serversDown } from "../src/servers/local.js";
import { parseBenchOptions } from "./lib/bench-options.js";
import { renderChart } from "./lib/chart.js";
import { commitOf, type CommitInfo } from "./lib/commit.js";
import { benchKafka } from "./lib/kafka.js";
import { summarizeProfile, type CpuProfile, type ProfileSummary } from "./lib/profile-summary.js";
import { renderReport } from "./lib/report.js";
import { buildResults, defaultRuns, medianRun } from "./lib/results.js";
import type { BenchContext } from "./lib/row.js";
import { runOrder } from "./lib/run-order.js";
import { capacityPreset, measureCapacity, type CapacityFigures } from "./scenarios/capacity.js";
import { runVariant, VARIANTS, type RowResult } from "./scenarios/variants.js";

async function main(): Promise<void> {
  const options = await parseBenchOptions(process.argv);
  await mkdir(options.out, { recursive: true });
  const started = performance.now();
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const commit = await commitOf();
  const compared: CommitInfo | null =
    options.compare === undefined ? null : await commitOf(options.compare);
  const { endpoints, startedHere } = await resolveLocalEndpoints(say);
  const config = loadConfig(
    {
      kafkaBrokers: endpoints.kafkaBrokers.join(","),
      cassandraContactPoints: endpoints.cassandraContactPoints.join(","),
      cassandraLocalDc: endpoints.cassandraLocalDc,
    },
    {},
  );
  const client = createCassandraClient(config);
  await client.connect();
  const runId = Date.now().toString(36);
  const ctx: BenchContext = {
    endpoints,
    kafka: benchKafka(endpoints.kafkaBrokers, `bench-${runId}`),
    client,
    options,
    runId,
    cleanups: [],
  };
  const steps = runOrder({
    others: (options.rows ?? []).filter((name) => name !== "default"),
    repeats: options.repeats,
    compare: options.compare !== undefined,
    profile: options.profile,
  });
  const rows: RowResult[] = [];
  let capacity: CapacityFigures | null = null;
  const loadAverageStart = Number((loadavg()[0] ?? 0).toFixed(2));
  try {
    say("capacity: raw Cassandra inserts and reads with the product's driver settings");
    capacity = await measureCapacity(config, capacityPreset(options.quick), say);
    for (const [i, step] of steps.entries()) {
      const variant = VARIANTS.find((v) => v.name === step.variant);
      if (variant === undefined) throw new Error(`unknown row ${step.variant}`);
      const isDefault = step.repeat !== undefined || step.profiled;
      const r = await runVariant(ctx, variant, i, {
        halfRate: isDefault && !step.profiled,
        ...(step.repeat === undefined ? {} : { repeat: step.repeat }),
        run: {
          ...(step.detector === "compared" && options.compare !== undefined
            ? { checkout: options.compare }
            : {}),
          ...(step.profiled ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${options.out}`] } : {}),
        },
      });
      const who = `${step.variant}${step.repeat === undefined ? "" : ` #${step.repeat}`}${step.detector === "compared" ? " (compared)" : ""}${step.profiled ? " (profiled)" : ""}`;
      say(
        `${who}: ${r.error ?? `${r.checksPerSecond?.toFixed(0) ?? "no flat phase"} checks/s${r.drained ? "" : " (not drained)"}`} (${r.wallSeconds ?? "–"} s)`,
      );
      rows.push(r);
    }
  } finally {
    for (const cleanup of ctx.cleanups.reverse()) await cleanup().catch(() => undefined);
    await client.shutdown();
    // Like the tests: local servers this run started are stopped again.
    if (startedHere) await serversDown(say);
  }
  const environment: Record<string, unknown> = {
    cpus: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    endpoints,
    wallSeconds: Math.round((performance.now() - started) / 1000),
    loadAverageStart,
    loadAverageEnd: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
  const results = buildResults({
    generatedAt: new Date().toISOString(),
    commit,
    options: { ...options },
    environment,
    rows,
    capacity,
    profile: options.profile ? await profileOf(options.out) : null,
    compare:
      options.compare === undefined || compared === null
        ? null
        : { checkout: options.compare, commit: compared },
  });
  const report = renderReport(results);
  await writeFile(join(options.out, "results.json"), `${JSON.stringify(results, jsonBigInt, 2)}\n`);
  await writeFile(join(options.out, "report.md"), report);
  await writeFile(join(options.out, "chart.svg"), chartOf(rows));
  say(`\n${report.split("## Rows")[0] ?? ""}`);
  say(
    `wrote ${options.out}/results.json, report.md, chart.svg in ${String(environment["wallSeconds"])} s`,
  );
  process.exit(0);
}

/** Offsets are bigints in memory; JSON gets them as strings. */
function jsonBigInt(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Checks/s over time per row, and the median default run's latency quantiles. */
function chartOf(rows: readonly RowResult[]): string {
  const { run } = medianRun(defaultRuns(rows, "this"));
  const h = run?.halfRate?.latencyMs;
  const latencySeries =
    h === undefined
      ? []
      : [
          {
            name: "default @ half rate",
            points: [
              [50, h.p50],
              [90, h.p90],
              [95, h.p95],
              [99, h.p99],
              [99.9, h.p999],
              [100, h.max],
            ].map(([x, y]) => ({ x: x ?? 0, y: y ?? NaN })),
          },
        ];
  const throughputSeries = rows.map((r) => {
    const t0 = r.timeline[0]?.tS ?? 0;
    return {
      name: `${r.variant}${r.repeat === undefined ? "" : ` #${r.repeat}`}${r.detector === "compared" ? " (compared)" : ""}`,
      points: r.timeline.map((p) => ({ x: p.tS - t0, y: p.checksPerSecond })),
    };
  });
  return renderChart(throughputSeries, latencySeries);
}

/** The summary of the newest CPU profile written to `dir`, if any. */
async function profileOf(dir: string): Promise<ProfileSummary | null> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".cpuprofile")).sort();
  const newest = files.at(-1);
  if (newest === undefined) return null;
  const profile = JSON.parse(await readFile(join(dir, newest), "utf8")) as CpuProfile;
  return summarizeProfile(profile);
}

try {
  await main();
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
