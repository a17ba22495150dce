/**
 * The map's views under load: `/v1/clusters` for a city, a country and a continent at the zoom a
 * map would ask, each at 1 and 10 connections for a few seconds with autocannon, against a running
 * `geoanomaly serve`. Prints a table and writes the figures (and one answer's shape per view:
 * mode, length, partitions, clusters, rows read) as JSON. The default boxes suit
 * `geoanomaly produce --distribution clumped --seed 7` (a town near -28.50,-59.45 and a province
 * near -3.97,-72.78, in South America).
 *
 *   npx tsx bench/api-load.ts --url http://127.0.0.1:8080 --seconds 10 --out results.json
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Command } from "commander";
import { REPO_ROOT } from "../src/servers/paths.js";
import { whole } from "./lib/cli-numbers.js";

const run = promisify(execFile);

/** A map view: a box (minLon,minLat,maxLon,maxLat) at a zoom. */
const VIEWS = [
  { name: "city", bbox: "-59.55,-28.6,-59.35,-28.4", zoom: 12 },
  { name: "country", bbox: "-81,-18,-68,0", zoom: 6 },
  { name: "continent", bbox: "-82,-56,-34,13", zoom: 4 },
] as const;

const CONNECTIONS = [1, 10] as const;

interface AnswerShape {
  readonly status: number;
  readonly mode?: string;
  readonly length?: number;
  readonly partitions?: number;
  readonly clusters?: number;
  readonly events?: number;
  readonly rowsRead?: number;
  readonly summaryAsOf?: string | null;
}

interface LoadFigure {
  readonly view: string;
  readonly path: string;
  readonly connections: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly answer: AnswerShape;
}

async function shape(url: string): Promise<AnswerShape> {
  const res = await fetch(url);
  const body = (await res.json()) as Record<string, unknown>;
  const list = (k: string): number | undefined =>
    Array.isArray(body[k]) ? (body[k] as unknown[]).length : undefined;
  const pick = <T>(k: string): T | undefined => body[k] as T | undefined;
  return {
    status: res.status,
    ...(pick<string>("mode") === undefined ? {} : { mode: pick<string>("mode") }),
    ...(pick<number>("length") === undefined ? {} : { length: pick<number>("length") }),
    ...(pick<number>("partitions") === undefined ? {} : { partitions: pick<number>("partitions") }),
    ...(list("clusters") === undefined ? {} : { clusters: list("clusters") }),
    ...(list("events") === undefined ? {} : { events: list("events") }),
    ...(pick<number>("rowsRead") === undefined ? {} : { rowsRead: pick<number>("rowsRead") }),
    ...("summaryAsOf" in body ? { summaryAsOf: pick<string | null>("summaryAsOf") ?? null } : {}),
  };
}

async function load(url: string, connections: number, seconds: number) {
  const bin = path.join(REPO_ROOT, "node_modules", ".bin", "autocannon");
  const { stdout } = await run(bin, ["-c", String(connections), "-d", String(seconds), "-j", url], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p90: number; p99: number; max: number };
    non2xx: number;
    errors: number;
  };
}

async function main(opts: { url: string; seconds: number; out: string }): Promise<void> {
  const figures: LoadFigure[] = [];
  for (const connections of CONNECTIONS) {
    for (const v of VIEWS) {
      const p = `/v1/clusters?bbox=${v.bbox}&zoom=${v.zoom}`;
      const url = new URL(p, opts.url).toString();
      const answer = await shape(url);
      const r = await load(url, connections, opts.seconds);
      const f: LoadFigure = {
        view: `${v.name} zoom ${v.zoom}`,
        path: p,
        connections,
        seconds: opts.seconds,
        requestsPerSecond: Math.round(r.requests.average * 10) / 10,
        p50Ms: r.latency.p50,
        p90Ms: r.latency.p90,
        p99Ms: r.latency.p99,
        maxMs: r.latency.max,
        non2xx: r.non2xx,
        errors: r.errors,
        answer,
      };
      figures.push(f);
      console.log(
        `${f.view.padEnd(20)} c=${String(connections).padStart(2)}  ${String(f.requestsPerSecond).padStart(6)} req/s  ` +
          `p50 ${f.p50Ms} ms  p90 ${f.p90Ms} ms  p99 ${f.p99Ms} ms  non2xx ${f.non2xx}  errors ${f.errors}  ` +
          JSON.stringify(answer),
      );
    }
  }
  writeFileSync(opts.out, `${JSON.stringify({ url: opts.url, figures }, null, 2)}\n`);
}

const program = new Command("api-load")
  .requiredOption("--url <base>", "base URL of a running geoanomaly serve")
  .option("--seconds <n>", "seconds per view and connection count", whole("--seconds"), 10)
  .requiredOption("--out <file>", "where to write the figures as JSON")
  .action((opts: { url: string; seconds: number; out: string }) => main(opts));
await program.parseAsync();
