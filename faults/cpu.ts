/**
 * How busy the machine's CPUs were while a figure was measured: the share of CPU time not idle,
 * from /proc/stat once a second, and the 1-minute load average. A stall measured while every core
 * was busy says as much about the machine as about the product, so the report shows both.
 */
import { readFileSync } from "node:fs";
import os from "node:os";

/** One second of the machine: busy share of all cores (0-1) and the 1-minute load average. */
export interface CpuSample {
  readonly tMs: number;
  readonly busy: number;
  readonly load1: number;
}

/** What the CPU did within a window. */
export interface CpuSummary {
  readonly cores: number;
  /** Mean busy share of all cores (1 = every core busy all the time). */
  readonly meanBusy: number;
  /** Share of the window's seconds with the cores at least 95% busy. */
  readonly saturatedShare: number;
  readonly meanLoad1: number;
  readonly maxLoad1: number;
}

function readTimes(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    const n = line.trim().split(/\s+/).slice(1).map(Number);
    const total = n.reduce((a, b) => a + b, 0);
    const idle = (n[3] ?? 0) + (n[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Summary of the samples within [fromMs, toMs]; zeros when there are none. */
export function summariseCpu(
  samples: readonly CpuSample[],
  fromMs: number,
  toMs: number,
  cores: number,
): CpuSummary {
  const inside = samples.filter((s) => s.tMs >= fromMs && s.tMs <= toMs);
  const n = Math.max(1, inside.length);
  return {
    cores,
    meanBusy: inside.reduce((a, s) => a + s.busy, 0) / n,
    saturatedShare: inside.filter((s) => s.busy >= 0.95).length / n,
    meanLoad1: inside.reduce((a, s) => a + s.load1, 0) / n,
    maxLoad1: Math.max(0, ...inside.map((s) => s.load1)),
  };
}

/** Samples the machine's CPU once a second until stopped. */
export class CpuWatcher {
  readonly samples: CpuSample[] = [];
  readonly cores = os.cpus().length;
  private timer: NodeJS.Timeout | undefined;
  private last = readTimes();

  start(): void {
    this.timer = setInterval(() => {
      const now = readTimes();
      if (now !== undefined && this.last !== undefined && now.total > this.last.total) {
        this.samples.push({
          tMs: Date.now(),
          busy: (now.busy - this.last.busy) / (now.total - this.last.total),
          load1: os.loadavg()[0] ?? 0,
        });
      }
      this.last = now;
    }, 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  summary(fromMs: number, toMs: number): CpuSummary {
    return summariseCpu(this.samples, fromMs, toMs, this.cores);
  }
}
