import { Command, InvalidArgumentError, Option } from "commander";
import { withCassandra } from "../app/clients.js";
import { observePartitionSizes } from "../cassandra/partition-sizes.js";
import { ALERTS_TABLE } from "../cassandra/schema.js";
import { loadConfig } from "../config/load.js";
import { DEFAULT_WINDOW_MS } from "../domain/query/query-window.js";
import { configuredLayout, summarySourceLevel } from "../config/layout.js";
import { DEFAULT_LAYOUT_BASIS } from "../domain/sizing/layout.js";
import { tableName } from "../domain/sizing/levels.js";
import { zoomCosts } from "../domain/query/map-cost.js";
import {
  humanDuration,
  partitionVerdict,
  planLevels,
  UNIFORM_SHARE,
  type PlanLevel,
} from "../domain/sizing/plan.js";
import { partitionBytesAfter } from "../domain/sizing/sizing.js";

interface PlanFlags {
  rate: number;
  rowBytes: number;
  partitionMb: number;
  lengths?: number[];
  clumping: number;
  json?: boolean;
  observe?: boolean;
  zooms?: boolean;
  viewport: [number, number];
  at: [number, number];
}

function positiveNumber(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a number > 0`);
    return n;
  };
}

function lengthList(raw: string): number[] {
  const items = raw.split(",").map((s) => Number(s.trim()));
  if (items.length === 0 || items.some((n) => !Number.isInteger(n) || n < 1 || n > 12))
    throw new InvalidArgumentError(
      "--lengths must be whole numbers in 1..12, e.g. 1,2,3,4,5,6,7,8",
    );
  return [...new Set(items)];
}

function clumping(raw: string): number {
  if (raw === "uniform") return UNIFORM_SHARE;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < UNIFORM_SHARE || n > 1)
    throw new InvalidArgumentError(
      `--clumping must be 'uniform' or a share in [1/32, 1], e.g. 0.4`,
    );
  return n;
}

function pair(name: string, sep: string) {
  return (raw: string): [number, number] => {
    const [a, b] = raw.split(sep).map(Number);
    if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b))
      throw new InvalidArgumentError(`${name} must look like a${sep}b`);
    return [a, b];
  };
}

function ms(msValue: number | null): string {
  return msValue === null ? "-" : humanDuration(msValue / 1000);
}

function printPlan(levels: readonly PlanLevel[], flags: PlanFlags): void {
  const share =
    flags.clumping === UNIFORM_SHARE ? "uniform" : `hottest child takes ${flags.clumping}`;
  console.log(
    `${flags.rate} events/s, ${flags.rowBytes} bytes/row, ${flags.partitionMb} MB partitions (10^6 bytes), clumping: ${share}`,
  );
  const head = [
    "length",
    "cells",
    "ev/s/cell uniform",
    "ev/s/cell hot",
    "fill uniform",
    "fill hot",
    "bucket",
    "horizon",
    "TTL",
  ];
  const rows = levels.map((l) => [
    String(l.length),
    l.cells.toLocaleString("en-US"),
    l.eventsPerSecondPerCell.uniform.toPrecision(3),
    l.eventsPerSecondPerCell.hot.toPrecision(3),
    humanDuration(l.fillSeconds.uniform),
    humanDuration(l.fillSeconds.hot),
    ms(l.bucketMs),
    ms(l.horizonMs),
    l.ttlSeconds === null ? "-" : humanDuration(l.ttlSeconds),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cols: readonly string[]): string =>
    cols.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  for (const l of levels)
    if (l.problem !== undefined) console.log(`length ${l.length}: ${l.problem}`);
  console.log(
    "bucket = hot fill time rounded down to a whole duration, at most 1 day; horizon = bucket; TTL = horizon + bucket + 1 h lag allowance",
  );
}

async function observe(flags: PlanFlags): Promise<void> {
  const config = loadConfig();
  const layout = configuredLayout(config);
  const target = flags.partitionMb * 1e6;
  await withCassandra(config, async (client) => {
    const tables = [...layout.map((l) => tableName(l.length)), ALERTS_TABLE];
    const observed = await observePartitionSizes(client, config.cassandraKeyspace, tables);
    console.log(
      `keyspace ${config.cassandraKeyspace}, target ${flags.partitionMb} MB per partition; ` +
        "sizes from flushed SSTables only (system_views.max_partition_size in whole MiB, system.table_estimates):",
    );
    let over = 0;
    for (const t of observed) {
      const level = layout.find((l) => tableName(l.length) === t.table);
      const expected =
        level === undefined
          ? ""
          : `, expected hot partition ${(partitionBytesAfter(level.bucketMs, flags.rowBytes, flags.rate, level.length, flags.clumping) / 1e6).toFixed(2)} MB at ${flags.rate} ev/s`;
      const verdict = partitionVerdict(t, target);
      if (verdict === "over") over++;
      const fmt = (b: number | undefined): string =>
        b === undefined ? "-" : `${(b / 1e6).toFixed(2)} MB`;
      console.log(
        `  ${t.table.padEnd(12)} partitions ${String(t.partitions).padStart(8)}  mean ${fmt(t.meanBytes).padStart(10)}  ` +
          `max ${fmt(t.maxBytes).padStart(10)}  ${verdict === "under" ? "under target" : verdict === "over" ? "OVER TARGET" : "no flushed data yet"}${expected}`,
      );
    }
    console.log(
      over === 0
        ? "the layout in use keeps every observed partition under the target"
        : `${over} table(s) have partitions over the target: shorten their buckets (re-plan with the real rate)`,
    );
    if (over > 0) process.exitCode = 2;
  });
}

function printZooms(flags: PlanFlags): void {
  const config = loadConfig();
  const layout = configuredLayout(
    flags.lengths === undefined ? config : { ...config, geohashLengths: flags.lengths },
  );
  const [widthPx, heightPx] = flags.viewport;
  const [lat, lon] = flags.at;
  const costs = zoomCosts(
    layout,
    { widthPx, heightPx, lat, lon },
    DEFAULT_WINDOW_MS,
    summarySourceLevel(config, layout).length,
  );
  console.log(
    `map cost per zoom: ${widthPx}x${heightPx} px viewport at ${lat},${lon}, 1-hour window, stored lengths ` +
      layout.map((l) => l.length).join(","),
  );
  console.log(
    "zoom  precision  mode      length  cells shown  cells read  buckets  partitions (of which alerts); summary: cells read = its regions",
  );
  for (const c of costs) {
    console.log(
      `${String(c.zoom).padStart(4)}  ${String(c.precision).padStart(9)}  ${c.mode.padEnd(8)}  ${String(c.length).padStart(6)}  ` +
        `${String(c.cellsShown).padStart(11)}  ${String(c.cellsRead).padStart(10)}  ${String(c.buckets).padStart(7)}  ` +
        `${String(c.partitions).padStart(10)} (${c.alertPartitions})`,
    );
  }
}

/** `geoanomaly plan`: the partition sizing arithmetic as a command. */
export function planCommand(): Command {
  return new Command("plan")
    .description(
      "Size partitions per geohash length: cells, events/s per cell (uniform and hottest), time to fill a " +
        "partition, and the bucket, horizon and TTL it would choose. --observe compares real partition sizes " +
        "in Cassandra (CASSANDRA_* and GEOHASH_LENGTHS settings) with the target; --zooms prints what each map " +
        "zoom reads.",
    )
    .option(
      "--rate <events/s>",
      "events per second worldwide",
      positiveNumber("--rate"),
      DEFAULT_LAYOUT_BASIS.eventsPerSecond,
    )
    .option(
      "--row-bytes <n>",
      "bytes per stored row",
      positiveNumber("--row-bytes"),
      DEFAULT_LAYOUT_BASIS.rowBytes,
    )
    .option(
      "--partition-mb <n>",
      "partition size target in MB (10^6 bytes)",
      positiveNumber("--partition-mb"),
      DEFAULT_LAYOUT_BASIS.partitionBytes / 1e6,
    )
    .option(
      "--lengths <list>",
      "geohash lengths (default: 1..8; --zooms: GEOHASH_LENGTHS)",
      lengthList,
    )
    .option(
      "--clumping <share>",
      "share of a parent cell's traffic its hottest child cell takes, per character; 'uniform' = 1/32",
      clumping,
      DEFAULT_LAYOUT_BASIS.hotCellShare,
    )
    .option(
      "--json",
      "print {levels:[{length, cells, eventsPerSecondPerCell, fillSeconds, bucketMs, horizonMs, ttlSeconds}]}",
    )
    .option(
      "--observe",
      "read real partition sizes per table from Cassandra and compare with the target",
    )
    .option(
      "--zooms",
      "print the partitions a map request reads at each zoom, for the stored lengths",
    )
    .addOption(
      new Option("--viewport <WxH>", "map viewport in pixels for --zooms")
        .argParser(pair("--viewport", "x"))
        .default([1280, 720], "1280x720"),
    )
    .addOption(
      new Option("--at <lat,lon>", "viewport centre for --zooms")
        .argParser(pair("--at", ","))
        .default([48.85, 2.35], "48.85,2.35"),
    )
    .action(async (flags: PlanFlags) => {
      if (flags.observe === true) return observe(flags);
      if (flags.zooms === true) return printZooms(flags);
      const levels = planLevels({
        eventsPerSecond: flags.rate,
        rowBytes: flags.rowBytes,
        partitionBytes: flags.partitionMb * 1e6,
        hotCellShare: flags.clumping,
        lengths: flags.lengths ?? [1, 2, 3, 4, 5, 6, 7, 8],
      });
      if (flags.json === true) console.log(JSON.stringify({ levels }, null, 2));
      else printPlan(levels, flags);
    });
}
