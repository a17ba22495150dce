/**
 * Detector processes of one consumer group, each `geoanomaly detect` configured by environment
 * variables like a deployment. Tracks which exits were asked for (kills, stops) and which were
 * not (crashes), and samples memory from /proc and health from /healthz.
 */
import type { ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import path from "node:path";
import {
  awaitReady,
  routeStatus,
  spawnDetector,
  type DetectorExit,
} from "../bench/lib/detector-process.js";
import { STOP_GRACE_SECONDS } from "./report.js";
import type { VerdictLog } from "./verdict-log.js";

export interface Detector {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<DetectorExit>;
  alive: boolean;
  expectedExit: boolean;
}

export interface Crash {
  readonly name: string;
  readonly atMs: number;
  readonly code: number | null;
  readonly signal: string | null;
}

/** Resident memory of a process in MiB, from /proc. */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] === undefined ? undefined : Number(m[1]) / 1024;
  } catch {
    return undefined;
  }
}

export class DetectorGroup {
  readonly crashes: Crash[] = [];
  /** Exits of detectors stopped with SIGTERM: their exit codes (0 is a clean stop). */
  readonly stops: { name: string; code: number | null }[] = [];
  private readonly members: Detector[] = [];
  private started = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
    private readonly log: (line: string) => void,
    /** Where each detector's traced verdicts go (its env should trace every check). */
    private readonly verdicts?: VerdictLog,
  ) {}

  get alive(): Detector[] {
    return this.members.filter((d) => d.alive);
  }

  /** Starts one more detector and waits until /readyz answers 200 (schema, topics, group). */
  async add(timeoutMs = 120_000): Promise<Detector> {
    this.started += 1;
    const name = `detector-${this.started}`;
    const { child, pid, port, exited } = await spawnDetector(this.env);
    const out = createWriteStream(path.join(this.logDir, `${name}.log`));
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    const d: Detector = {
      name,
      pid,
      port,
      child,
      exited,
      alive: true,
      expectedExit: false,
    };
    this.members.push(d);
    void exited.then(({ code, signal }) => {
      d.alive = false;
      this.verdicts?.forget(name);
      if (!d.expectedExit) {
        this.crashes.push({ name, atMs: Date.now(), code, signal });
        this.log(`${name} exited on its own (code ${code}, signal ${signal}): a crash`);
      }
    });
    const readiness = await awaitReady(port, () => d.alive, timeoutMs);
    if (readiness === "exited") throw new Error(`${name} exited before it was ready; see its log`);
    if (readiness === "timeout") throw new Error(`${name} not ready after ${timeoutMs} ms`);
    this.verdicts?.follow(name, port);
    this.log(`${name} ready (pid ${d.pid}, metrics port ${port})`);
    return d;
  }

  /** SIGKILL: no shutdown, no commit. */
  async kill(d: Detector): Promise<void> {
    d.expectedExit = true;
    await this.verdicts?.drain(d.name);
    d.child.kill("SIGKILL");
    await d.exited;
    this.log(`${d.name} killed (SIGKILL)`);
  }

  /** SIGTERM, as an orchestrator scales down: in-flight work finished and committed. */
  async stop(d: Detector): Promise<number | null> {
    d.expectedExit = true;
    await this.verdicts?.drain(d.name);
    d.child.kill("SIGTERM");
    const timer = setTimeout(() => d.child.kill("SIGKILL"), STOP_GRACE_SECONDS * 1000);
    const { code } = await d.exited;
    clearTimeout(timer);
    this.stops.push({ name: d.name, code });
    this.log(`${d.name} stopped (exit ${code})`);
    return code;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.alive.map((d) => this.stop(d)));
  }

  /** Replaces crashed detectors, as a supervisor would, so the group keeps its size. */
  async keep(size: number): Promise<void> {
    while (this.alive.length < size) await this.add();
  }

  /** RSS (MiB) of each live detector. */
  memory(): { name: string; rssMiB: number }[] {
    return this.alive.flatMap((d) => {
      const rss = rssMiB(d.pid);
      return rss === undefined ? [] : [{ name: d.name, rssMiB: rss }];
    });
  }

  /** /healthz of each live detector: the ones that did not answer 200. */
  async unhealthy(): Promise<string[]> {
    const codes = await Promise.all(this.alive.map((d) => routeStatus(d.port, "/healthz")));
    return this.alive.filter((_, i) => codes[i] !== 200).map((d) => d.name);
  }
}
