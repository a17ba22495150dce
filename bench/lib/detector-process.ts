/**
 * The detector as a separate child process through its public entry point, configured only by
 * environment variables, so its CPU and metrics are its own and not the load generator's.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuSeconds } from "./scrape.js";

/** The product's CLI. */
const CLI = fileURLToPath(new URL("../../bin/geoanomaly.js", import.meta.url));
const PRODUCT = [CLI, "detect"];

/** How to start a detector: this checkout's CLI or another checkout's. */
export interface DetectorEntry {
  /** Root of another built checkout of the product: runs its `bin/geoanomaly.js detect` instead. */
  readonly checkout?: string;
  /** Node options before the script, e.g. ["--cpu-prof"]. */
  readonly nodeArgs?: readonly string[];
  readonly timeoutMs?: number;
}

function entryArgs(how: DetectorEntry): readonly string[] {
  if (how.checkout !== undefined)
    return [join(resolve(how.checkout), "bin", "geoanomaly.js"), "detect"];
  return PRODUCT;
}

/** How a one-off command of the product's CLI ended. */
export interface CommandRun {
  readonly code: number | null;
  readonly seconds: number;
  /** Its output (stdout and stderr as they came), for the log when it failed. */
  readonly output: string;
}

/**
 * Runs one command of this checkout's CLI (e.g. `schema apply`, `servers start kafka-3`) with
 * `env` over this process's environment, as an operator would; past `timeoutMs` (0: none) the
 * command is killed (a readiness wait that never returns cannot hold a run forever).
 */
export async function runCommand(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 0,
): Promise<CommandRun> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const timer = timeoutMs > 0 ? setTimeout(() => child.kill("SIGKILL"), timeoutMs) : undefined;
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);
  return { code, seconds: (Date.now() - t0) / 1000, output };
}

/** A running detector process. */
export interface DetectorProcess {
  readonly pid: number;
  readonly port: number;
  cpuSeconds(): Promise<number>;
  /** Output lines it wrote (warnings and errors), for the report when a row fails. */
  readonly log: string[];
  stop(): Promise<void>;
}

/** A port nobody listens on right now (bound, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The HTTP status of a route on the detector's metrics port; 0 when it does not answer. */
export async function routeStatus(port: number, route: string): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}${route}`, { signal: AbortSignal.timeout(2000) }))
      .status;
  } catch {
    return 0;
  }
}

/** How a detector process ended: its exit code, or the signal that ended it. */
export interface DetectorExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A detector child process on a free metrics port, started but not yet known to be ready. */
export interface SpawnedDetector {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly exited: Promise<DetectorExit>;
}

/**
 * Spawns `geoanomaly detect` with `env` (SETTINGS variables) on a free metrics port: the one
 * launcher of the bench and the fault suite, so both run the detector as a deployment would.
 */
export async function spawnDetector(
  env: Record<string, string>,
  how: DetectorEntry = {},
): Promise<SpawnedDetector> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [...(how.nodeArgs ?? []), ...entryArgs(how)],
    {
      env: { ...process.env, ...env, METRICS_PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<DetectorExit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, pid: child.pid ?? 0, port, exited };
}

/**
 * Polls /readyz (schema applied, topics there, group joined) until it answers 200: "ready", or
 * "exited" once `alive()` turns false, or "timeout" after `timeoutMs`.
 */
export async function awaitReady(
  port: number,
  alive: () => boolean,
  timeoutMs: number,
): Promise<"ready" | "exited" | "timeout"> {
  const deadline = Date.now() + timeoutMs;
  while ((await routeStatus(port, "/readyz")) !== 200) {
    if (!alive()) return "exited";
    if (Date.now() > deadline) return "timeout";
    await pause(200);
  }
  return "ready";
}

/**
 * Starts `geoanomaly detect` (this checkout's or another checkout's CLI) with `env` (SETTINGS variables) on a free metrics port and waits
 * until /readyz answers 200 (schema applied, group joined).
 */
export async function startDetector(
  env: Record<string, string>,
  how: DetectorEntry = {},
): Promise<DetectorProcess> {
  const timeoutMs = how.timeoutMs ?? 90_000;
  const { child, port, exited } = await spawnDetector(env, how);
  const log: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) if (line !== "") log.push(line);
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let alive = true;
  void exited.then(() => (alive = false));

  const readiness = await awaitReady(port, () => alive, timeoutMs);
  if (readiness === "exited")
    throw new Error(`detector exited before ready: ${log.slice(-5).join(" | ")}`);
  if (readiness === "timeout") {
    child.kill("SIGKILL");
    throw new Error(`detector not ready after ${timeoutMs} ms: ${log.slice(-5).join(" | ")}`);
  }
  const pid = child.pid ?? 0;
  return {
    pid,
    port,
    log,
    cpuSeconds: () => cpuSeconds(pid),
    stop: async () => {
      if (!alive) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
