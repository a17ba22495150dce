/**
 * Reads the detector from outside, as an operator would: its /metrics text, its /latency JSON
 * and its CPU time from /proc, so the figures are the detector process's own.
 */
import type { LatencySummary } from "../../src/observability/latency.js";
import { readFile } from "node:fs/promises";

/** Sample values by series (`name` or `name{labels}`), summed over labels under the bare name. */
export interface Scrape {
  readonly series: ReadonlyMap<string, number>;
}

/** Parses Prometheus text exposition into series values; bare names sum their labelled series. */
export function parsePrometheus(text: string): Scrape {
  const series = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    const key = line.slice(0, space);
    const value = Number(line.slice(space + 1));
    if (!Number.isFinite(value)) continue;
    series.set(key, value);
    const brace = key.indexOf("{");
    if (brace > 0) {
      const name = key.slice(0, brace);
      series.set(`${name}#sum`, (series.get(`${name}#sum`) ?? 0) + value);
    }
  }
  return { series };
}

/** A counter's total over all label sets. */
export function total(s: Scrape, name: string): number {
  return s.series.get(`${name}#sum`) ?? s.series.get(name) ?? 0;
}

/** Per-integer counts of a histogram with one bucket per integer (non-cumulative). */
export function integerBuckets(s: Scrape, name: string): Map<number, number> {
  const cumulative: [number, number][] = [];
  for (const [key, value] of s.series) {
    const m = /^(.+)_bucket\{le="([^"]+)"\}$/.exec(key);
    if (m === null || m[1] !== name || m[2] === "+Inf") continue;
    cumulative.push([Number(m[2]), value]);
  }
  cumulative.sort((a, b) => a[0] - b[0]);
  const out = new Map<number, number>();
  let below = 0;
  for (const [le, cum] of cumulative) {
    out.set(le, cum - below);
    below = cum;
  }
  const inf = s.series.get(`${name}_bucket{le="+Inf"}`) ?? below;
  if (inf > below) out.set(Infinity, inf - below);
  return out;
}

/** Per-bucket difference of two scrapes' buckets: what one phase added. */
export function bucketDelta(
  after: ReadonlyMap<number, number>,
  before: ReadonlyMap<number, number>,
): Map<number, number> {
  const out = new Map<number, number>();
  for (const [k, v] of after) out.set(k, v - (before.get(k) ?? 0));
  return out;
}

export async function scrapeMetrics(port: number): Promise<Scrape> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return parsePrometheus(await res.text());
}

/** The detector's HDR end-to-end latency (ms), as GET /latency serves it. */
export type LatencyJson = LatencySummary;

/**
 * The figures so far; with `reset`, also starts them afresh (POST /latency/reset, or for a release
 * before it, GET /latency?reset=1).
 */
export async function scrapeLatency(port: number, reset: boolean): Promise<LatencyJson> {
  const base = `http://127.0.0.1:${port}/latency`;
  let res = reset ? await fetch(`${base}/reset`, { method: "POST" }) : await fetch(base);
  if (reset && res.status === 404) res = await fetch(`${base}?reset=1`);
  if (!res.ok) throw new Error(`${base}: HTTP ${res.status}`);
  return (await res.json()) as LatencyJson;
}

/** Linux clock ticks per second (USER_HZ), 100 on every mainstream kernel build. */
export const CLOCK_TICKS = 100;

/** utime + stime of a process in seconds, from /proc/<pid>/stat. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  return parseCpuSeconds(stat);
}

/** Fields after the command name (which may hold spaces): utime and stime are 14th and 15th. */
export function parseCpuSeconds(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS;
}
