/**
 * `npm run bench`: the benchmark harness. Brings up (or finds) Kafka and Cassandra, runs every
 * variant row, the ceiling, and writes results.json, report.md and chart.svg to `--out`.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { createCassandraClient } from "../src/cassandra/client.js";
import { loadConfig } from "../src/config/load.js";
import { resolveLocalEndpoints } from "../src/servers/endpoints.js";
import { serversDown } from "../src/servers/local.js";
import { renderChart } from "./lib/chart.js";
import { benchKafka } from "./lib/kafka.js";
import { presetOptions, type BenchOptions } from "./lib/options.js";
import { checkLimit, type CheckCost } from "./lib/capacity-model.js";
import { summarizeProfile, type CpuProfile, type ProfileSummary } from "./lib/profile-summary.js";
import { renderReport, targets, type Results } from "./lib/report.js";
import type { BenchContext } from "./lib/row.js";
import { capacityPreset, measureCapacity, type CapacityFigures } from "./scenarios/capacity.js";
import { runVariant, VARIANTS, type RowResult } from "./scenarios/variants.js";

/** A commander parser for a positive whole number, failing with the option's name. */
function wholeNumber(name: string): (raw: string) => string {
  return (raw) => {
    if (!/^[1-9]\d*$/.test(raw.trim())) {
      throw new InvalidArgumentError(`${name} must be a positive whole number`);
    }
    return raw.trim();
  };
}

/** The `--rows` names, each checked against the variants (the default row always runs). */
function knownRows(list: string): string[] {
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = names.filter((n) => !VARIANTS.some((v) => v.name === n));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `--rows: unknown ${unknown.join(", ")}; known: ${VARIANTS.map((v) => v.name).join(", ")}`,
    );
  }
  return names;
}

function parseOptions(argv: readonly string[]): BenchOptions {
  const cmd = new Command("bench")
    .description(
      "Benchmark the detector with real Kafka and Cassandra: sustained checks/s, end-to-end latency, " +
        "rows, partitions and CQL reads per check, neighbour recall@k of the checks the detector traced, " +
        "coverage, false alarms, precision and recall per distribution, CPU per 1,000 checks, and the " +
        "checks/s this machine's Cassandra allows, for the default configuration and each compared variant. " +
        "Uses KAFKA_BROKERS/CASSANDRA_CONTACT_POINTS when set, else brings the local servers up.",
    )
    .option(
      "--quick",
      "short phases (under 5 minutes here); without it the full run takes about 30 minutes here",
      false,
    )
    .option(
      "--out <dir>",
      "where results.json, report.md and chart.svg go (default bench/results/<timestamp>/)",
    )
    .option(
      "--rows <names>",
      `comma-separated variants to run besides the default row (default all): ${VARIANTS.map((v) => v.name).join(", ")}`,
    )
    .option("--seed <n>", "seed of the synthetic events", wholeNumber("--seed"))
    .option(
      "--load-seconds <n>",
      "seconds of as-fast-as-taken load per row",
      wholeNumber("--load-seconds"),
    )
    .option(
      "--warmup-events <n>",
      "normal events per row before measuring",
      wholeNumber("--warmup-events"),
    )
    .option(
      "--profile",
      "run the default row's detector under node --cpu-prof (profile in --out)",
      false,
    )
    .allowExcessArguments(false);
  cmd.parse([...argv]);
  const o = cmd.opts<Record<string, string | boolean | undefined>>();
  const preset = presetOptions(o["quick"] === true);
  const num = (key: string, fallback: number): number =>
    typeof o[key] === "string" ? Number(o[key]) : fallback;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return {
    ...preset,
    seed: num("seed", preset.seed),
    loadSeconds: num("loadSeconds", preset.loadSeconds),
    warmupEvents: num("warmupEvents", preset.warmupEvents),
    out: typeof o["out"] === "string" ? o["out"] : join("bench", "results", stamp),
    rows: typeof o["rows"] === "string" ? knownRows(o["rows"]) : undefined,
    profile: o["profile"] === true,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv);
  await mkdir(options.out, { recursive: true });
  const started = performance.now();
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
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
  const variants = VARIANTS.filter(
    (v, i) => i === 0 || options.rows === undefined || options.rows.includes(v.name),
  );
  const rows: RowResult[] = [];
  let capacity: CapacityFigures | null = null;
  const loadAverageStart = Number((loadavg()[0] ?? 0).toFixed(2));
  try {
    // Measured first, beside the default row, under the same conditions as it.
    say("capacity: raw Cassandra inserts and reads with the product's driver settings");
    capacity = await measureCapacity(config, capacityPreset(options.quick), say);
    for (const [i, v] of variants.entries()) {
      const nodeArgs =
        i === 0 && options.profile ? ["--cpu-prof", `--cpu-prof-dir=${options.out}`] : [];
      const r = await runVariant(ctx, v, i, i === 0, nodeArgs);
      process.stdout.write(
        `${v.name}: ${r.error ?? `${r.checksPerSecond?.toFixed(0)} checks/s`}\n`,
      );
      rows.push(r);
    }
  } finally {
    for (const cleanup of ctx.cleanups.reverse()) await cleanup().catch(() => undefined);
    await client.shutdown();
    // Like the tests: local servers this run started are stopped again.
    if (startedHere) await serversDown(say);
  }
  const main = rows[0];
  const cost: CheckCost | null =
    main?.writesPerCheck == null ||
    main.partitionsPerCheck?.mean == null ||
    main.rowsReadPerCheck?.mean == null
      ? null
      : {
          writes: main.writesPerCheck,
          partitionsRead: main.partitionsPerCheck.mean,
          rowsRead: main.rowsReadPerCheck.mean,
          readStatements: main.cqlReadsPerCheck?.mean ?? main.partitionsPerCheck.mean,
        };
  const limit = capacity === null || cost === null ? null : { ...checkLimit(cost, capacity), cost };
  const limitRate = limit?.limitChecksPerSecond ?? null;
  const detection = main?.accuracy?.detection;
  const results: Results = {
    generatedAt: new Date().toISOString(),
    options: { ...options },
    environment: {
      cpus: cpus().length,
      memGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      endpoints,
      wallSeconds: 0,
      loadAverageStart,
      loadAverageEnd: Number((loadavg()[0] ?? 0).toFixed(2)),
    },
    checksPerSecond: main?.checksPerSecond ?? null,
    latencyMs: {
      p50: main?.halfRate?.latencyMs.p50 ?? null,
      p95: main?.halfRate?.latencyMs.p95 ?? null,
      p99: main?.halfRate?.latencyMs.p99 ?? null,
      max: main?.halfRate?.latencyMs.max ?? null,
    },
    latencyRateChecksPerSecond: main?.halfRate?.achievedRate ?? null,
    cqlReadsPerCheck: main?.cqlReadsPerCheck ?? { mean: null, p50: null, p99: null },
    cqlWritesPerCheck: main?.writesPerCheck ?? null,
    neighbourRecall: main?.accuracy?.recall.recall.mean ?? null,
    detection: {
      precision: detection?.precision ?? null,
      recall: detection?.strongRecallLocal.recall ?? null,
      f1:
        detection?.precision == null || detection.strongRecallLocal.recall === null
          ? null
          : detection.precision + detection.strongRecallLocal.recall === 0
            ? 0
            : (2 * detection.precision * detection.strongRecallLocal.recall) /
              (detection.precision + detection.strongRecallLocal.recall),
    },
    cpuSecondsPer1000Checks: main?.cpuSecondsPer1000Checks ?? null,
    rowsReadPerCheck: main?.rowsReadPerCheck ?? { mean: null, p50: null, p99: null },
    writesPerCheck: main?.writesPerCheck ?? null,
    coverage: detection?.coverage ?? null,
    falseAlarmRate: detection?.falseAlarmRate ?? null,
    cassandraCapacity: {
      insertsPerSecond: capacity?.insertsPerSecond ?? null,
      partitionReadsPerSecond: capacity?.partitionReadsPerSecond ?? null,
    },
    limitChecksPerSecond: limitRate,
    pipelineShareOfLimit:
      main?.checksPerSecond != null && limitRate ? main.checksPerSecond / limitRate : null,
    capacity,
    limit,
    profile: options.profile ? await profileOf(options.out) : null,
    targets: targets(rows, main, limitRate),
    rows,
  };
  results.environment["wallSeconds"] = Math.round((performance.now() - started) / 1000);
  const h = main?.halfRate?.latencyMs;
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
      name: r.variant,
      points: r.timeline.map((p) => ({ x: p.tS - t0, y: p.checksPerSecond })),
    };
  });
  await writeFile(join(options.out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(options.out, "report.md"), renderReport(results));
  await writeFile(join(options.out, "chart.svg"), renderChart(throughputSeries, latencySeries));
  process.stdout.write(
    `\n${renderReport(results).split("## How")[0] ?? ""}\nwrote ${options.out}/results.json, report.md, chart.svg in ${String(results.environment["wallSeconds"])} s\n`,
  );
  process.exit(0);
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
