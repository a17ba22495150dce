/**
 * `npm run bench:capacity`: this machine's raw Cassandra capacity (inserts/s, single-partition
 * reads/s and rows/s) with the product's driver settings and no detector or Kafka. Reads the
 * Cassandra settings from the environment like the service (CASSANDRA_CONTACT_POINTS, ...,
 * default 127.0.0.1:9042); starts nothing. Prints the figures and writes them as JSON with --out.
 */
import { writeFile } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import { loadConfig } from "../src/config/load.js";
import { checkLimit, type CheckCost } from "./lib/capacity-model.js";
import { renderCapacity } from "./lib/report-sections.js";
import { capacityPreset, measureCapacity, type CapacityOptions } from "./scenarios/capacity.js";

import { whole } from "./lib/cli-numbers.js";
const wholeList = (raw: string): number[] =>
  raw.split(",").map((s) => whole("--rows-per-partition")(s));

/** `writes,partitions,rows[,statements[,rowsWritten]]`: the mean cost of one check. */
function checkCost(raw: string): CheckCost {
  const parts = raw.split(",").map((s) => Number(s.trim()));
  if (parts.length < 3 || parts.length > 5 || parts.some((v) => !(Number.isFinite(v) && v >= 0))) {
    throw new InvalidArgumentError(
      "--check must be three to five numbers >= 0: writes,partitions,rows[,statements[,rowsWritten]]",
    );
  }
  const [writes = 0, partitionsRead = 0, rowsRead = 0, readStatements, rowsWritten] = parts;
  return {
    writes,
    partitionsRead,
    rowsRead,
    ...(readStatements === undefined ? {} : { readStatements }),
    ...(rowsWritten === undefined ? {} : { rowsWritten }),
  };
}

interface Parsed {
  readonly options: CapacityOptions;
  readonly out?: string;
  readonly check?: CheckCost;
}

function parseOptions(argv: readonly string[]): Parsed {
  const cmd = new Command("bench:capacity")
    .description(
      "Measure raw Cassandra capacity with the product's driver settings: single-row inserts/s and " +
        "single-partition reads/s (and rows/s) at high concurrency, in a keyspace of its own that is dropped after.",
    )
    .option("--quick", "6 s per measurement (about 45 s in all)", false)
    .option("--seconds <n>", "timed seconds per measurement", whole("--seconds"))
    .option("--warmup-seconds <n>", "unmeasured seconds before each", whole("--warmup-seconds"))
    .option("--concurrency <n>", "statements in flight", whole("--concurrency"))
    .option("--rows-per-partition <list>", "rows each read returns, e.g. 10,100", wholeList)
    .option("--stored-rows <n>", "rows pre-filled per read partition", whole("--stored-rows"))
    .option("--partitions <n>", "pre-filled read partitions", whole("--partitions"))
    .option("--length <n>", "geohash length whose table options to use", whole("--length"))
    .option(
      "--in-partitions <n>",
      "partitions of the multi-partition read (0 skips it)",
      (raw: string) => (raw.trim() === "0" ? 0 : whole("--in-partitions")(raw)),
    )
    .option(
      "--check <writes,partitions,rows[,statements[,rowsWritten]]>",
      "also print the limit in checks/s for a check of this mean cost, e.g. 0.19,15,37,0.34,7 (write statements, partitions, rows read, read statements, rows written)",
      checkCost,
    )
    .option("--out <file>", "write the figures as JSON")
    .allowExcessArguments(false);
  cmd.parse([...argv]);
  const o = cmd.opts<{
    quick: boolean;
    seconds?: number;
    warmupSeconds?: number;
    concurrency?: number;
    rowsPerPartition?: number[];
    storedRows?: number;
    partitions?: number;
    length?: number;
    inPartitions?: number;
    check?: CheckCost;
    out?: string;
  }>();
  const preset = capacityPreset(o.quick);
  return {
    options: {
      ...preset,
      seconds: o.seconds ?? preset.seconds,
      warmupSeconds: o.warmupSeconds ?? preset.warmupSeconds,
      concurrency: o.concurrency ?? preset.concurrency,
      rowsPerPartition: o.rowsPerPartition ?? preset.rowsPerPartition,
      storedRowsPerPartition: o.storedRows ?? preset.storedRowsPerPartition,
      partitions: o.partitions ?? preset.partitions,
      geohashLength: o.length ?? preset.geohashLength,
      inPartitions: o.inPartitions ?? preset.inPartitions,
    },
    ...(o.out === undefined ? {} : { out: o.out }),
    ...(o.check === undefined ? {} : { check: o.check }),
  };
}

async function main(): Promise<void> {
  const { options, out, check } = parseOptions(process.argv);
  const config = loadConfig({}, process.env);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const figures = await measureCapacity(config, options, say);
  const limit = check === undefined ? null : { cost: check, ...checkLimit(check, figures) };
  say("");
  say(renderCapacity(figures, limit).join("\n"));
  if (out !== undefined) {
    await writeFile(out, `${JSON.stringify({ capacity: figures, limit }, null, 2)}\n`);
    say(`wrote ${out}`);
  }
}

try {
  await main();
} catch (err) {
  console.error(`bench:capacity: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
