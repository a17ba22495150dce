/**
 * `npm run bench` options: the command line parsed into {@link BenchOptions}, every bad value
 * refused at start with the option's name (an unknown row, a checkout to compare that is not
 * built), and the `--report` convention that puts a run where the README may quote it from.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { VARIANTS } from "../scenarios/variants.js";
import {
  HELD_OUT_SEED,
  presetOptions,
  QUICK_ROWS,
  TUNING_SEED,
  type BenchOptions,
} from "./options.js";

/** Where committed runs live: one folder per run, named by its date. */
export const REPORTS_ROOT = join("bench", "reports");

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
export function knownRows(list: string): string[] {
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

/**
 * The folder of a run to commit: `<root>/<YYYY-MM-DD>`, or `<root>/<YYYY-MM-DD>-<n>` (n = 2, 3,
 * ...) when that day already has one, so no committed run is ever overwritten.
 */
export async function reportDir(
  root: string,
  date: Date,
  exists: (path: string) => Promise<boolean>,
): Promise<string> {
  const day = date.toISOString().slice(0, 10);
  for (let n = 1; ; n++) {
    const dir = join(root, n === 1 ? day : `${day}-${n}`);
    if (!(await exists(dir))) return dir;
  }
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** A commander parser for a share in (0, 1], failing with the option's name. */
function share(name: string): (raw: string) => string {
  return (raw) => {
    const v = Number(raw.trim());
    if (raw.trim() === "" || !(v > 0 && v <= 1)) {
      throw new InvalidArgumentError(`${name} must be a number above 0 and at most 1`);
    }
    return raw.trim();
  };
}

/** Refuses a `--compare` checkout that has no built CLI. */
async function builtCheckout(path: string): Promise<string> {
  for (const file of [join(path, "bin", "geoanomaly.js"), join(path, "dist", "cli", "main.js")]) {
    if (!(await exists(file))) {
      throw new InvalidArgumentError(
        `--compare: ${path} is not a built checkout of the product (${file} is missing; run npm ci && npm run build there)`,
      );
    }
  }
  return path;
}

/** Parses the command line (see `npm run bench -- --help`). */
export async function parseBenchOptions(argv: readonly string[]): Promise<BenchOptions> {
  const cmd = new Command("bench")
    .description(
      "Benchmark the detector with real Kafka and Cassandra: sustained checks/s (the highest open-loop " +
        "paced rate with flat consumer lag), end-to-end latency at half that rate, Cassandra statements, " +
        "rows and partitions per check, neighbour recall@k of the checks the detector traced against the " +
        "final store, coverage, false alarms, precision and recall per distribution on a held-out seed, " +
        "CPU per 1,000 checks, and the checks/s this machine's Cassandra allows. The default row runs " +
        "three times (min / median / max). Uses KAFKA_BROKERS/CASSANDRA_CONTACT_POINTS when set, else " +
        "brings the local servers up.",
    )
    .option(
      "--quick",
      `short phases and rows (default, ${QUICK_ROWS.join(", ")}): under 10 minutes here; without it every row, about 40 minutes here`,
      false,
    )
    .option(
      "--out <dir>",
      "where results.json, report.md and chart.svg go (default bench/results/<timestamp>/)",
    )
    .option(
      "--report",
      `write to ${REPORTS_ROOT}/<date>/ (a new -2, -3 ... folder if the day has one): a run to commit and quote`,
      false,
    )
    .option(
      "--rows <names>",
      `comma-separated variants to run besides the default row (default: --quick's list, or all): ${VARIANTS.map((v) => v.name).join(", ")}`,
    )
    .option(
      "--seed <n>",
      `seed of the synthetic events (default ${HELD_OUT_SEED}, held out; defaults were tuned on ${TUNING_SEED})`,
      wholeNumber("--seed"),
    )
    .option(
      "--warmup-events <n>",
      "normal events per row before measuring",
      wholeNumber("--warmup-events"),
    )
    .option(
      "--phase-seconds <n>",
      "seconds of each paced phase of the rate search",
      wholeNumber("--phase-seconds"),
    )
    .option("--repeats <n>", "runs of the default row (default 3)", wholeNumber("--repeats"))
    .option(
      "--trace-sample-rate <share>",
      "share of checks the detector traces (default 1: every check, so every missed anomaly has its verdict; " +
        "below 1 the misses whose check was not sampled are `not-traced`, and the detector and harness spend less CPU on the trace)",
      share("--trace-sample-rate"),
    )
    .option(
      "--profile",
      "add a run of the default row under node --cpu-prof (profile in the output folder); never read for targets",
      false,
    )
    .option(
      "--compare <checkout>",
      "another built checkout of the product: its `bin/geoanomaly.js detect` runs the default row too, interleaved with this one's (A B A B ...), and the report shows both and the ratios",
    )
    .allowExcessArguments(false);
  cmd.parse([...argv]);
  const o = cmd.opts<Record<string, string | boolean | undefined>>();
  if (typeof o["out"] === "string" && o["report"] === true) {
    throw new InvalidArgumentError("--out and --report name the output folder twice: give one");
  }
  const preset = presetOptions(o["quick"] === true);
  const num = (key: string, fallback: number): number =>
    typeof o[key] === "string" ? Number(o[key]) : fallback;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const out =
    typeof o["out"] === "string"
      ? o["out"]
      : o["report"] === true
        ? await reportDir(REPORTS_ROOT, new Date(), exists)
        : join("bench", "results", stamp);
  const rows =
    typeof o["rows"] === "string"
      ? knownRows(o["rows"])
      : preset.quick
        ? [...QUICK_ROWS]
        : VARIANTS.slice(1).map((v) => v.name);
  return {
    ...preset,
    seed: num("seed", preset.seed),
    warmupEvents: num("warmupEvents", preset.warmupEvents),
    phaseSeconds: num("phaseSeconds", preset.phaseSeconds),
    repeats: num("repeats", preset.repeats),
    traceSampleRate: num("traceSampleRate", preset.traceSampleRate),
    out,
    rows,
    profile: o["profile"] === true,
    compare: typeof o["compare"] === "string" ? await builtCheckout(o["compare"]) : undefined,
  };
}
