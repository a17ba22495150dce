/**
 * The last resort of a stop: a watchdog on its own thread. The shutdown deadline is a timer on the
 * main thread, and a timer cannot fire while that thread never yields: kafkajs 2.2.4, stopped
 * while it rebuilds its fetchers for a broker that has come back, loops on promises that resolve
 * at once (its stopped runner's fetch returns nothing without waiting), so no timer, socket or
 * signal handler of the process runs again. The watchdog's thread does not share that event
 * loop: past its time it writes one log line saying what the stop was waiting on and how long the
 * main thread had not turned, then ends the process with SIGKILL (nothing else can interrupt a
 * thread that never yields). Events not yet committed are redelivered to the group.
 */
import { Worker } from "node:worker_threads";

/** How long after the shutdown deadline the watchdog acts: the deadline's exit goes first. */
export const WATCHDOG_GRACE_MS = 5_000;

/** How often the main thread marks that its event loop still turns. */
const BEAT_MS = 250;

/**
 * The watchdog thread (CommonJS, evaluated): waits `afterMs` on its own event loop, then logs in
 * the product's JSON line format on stdout and kills its process.
 */
const WATCHDOG_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const beat = new Int32Array(workerData.beat);
let step = workerData.step;
parentPort.on("message", (s) => { step = s; });
setTimeout(() => {
  const stalledMs = Math.max(0, Date.now() - workerData.origin - Atomics.load(beat, 0));
  const line = {
    level: 60,
    time: new Date().toISOString(),
    service: "geoanomaly",
    pid: process.pid,
    component: "stop-watchdog",
    step,
    timeoutMs: workerData.timeoutMs,
    stalledMs,
    msg: workerData.message,
  };
  try { writeSync(1, JSON.stringify(line) + "\\n"); } catch {}
  process.kill(process.pid, "SIGKILL");
}, workerData.afterMs);
`;

/** What the watchdog needs: when to act, what to say, and the step the stop is in. */
export interface WatchdogOptions {
  /** SHUTDOWN_TIMEOUT_MS: the watchdog acts {@link WATCHDOG_GRACE_MS} after it. */
  readonly timeoutMs: number;
  readonly step: () => string;
  /** Overrides the grace (tests). */
  readonly graceMs?: number;
}

/**
 * Starts the watchdog thread at the start of a stop. The main thread beats every 250 ms and
 * forwards the stop's step; the thread, once `timeoutMs + grace` has passed, kills the process.
 * Neither the thread nor the beat keeps the process alive: a stop that ends it ends them.
 */
export function armStopWatchdog(opts: WatchdogOptions): void {
  const afterMs = opts.timeoutMs + (opts.graceMs ?? WATCHDOG_GRACE_MS);
  const origin = Date.now();
  const shared = new SharedArrayBuffer(4);
  const beat = new Int32Array(shared);
  let step = opts.step();
  const worker = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: {
      afterMs,
      origin,
      beat: shared,
      step,
      timeoutMs: opts.timeoutMs,
      message:
        `the stop did not end ${afterMs} ms after SIGTERM and the main thread did not exit on ` +
        "its deadline (stalledMs: how long its event loop had not turned): killing the process " +
        "(SIGKILL); events not yet committed will be redelivered",
    },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  const timer = setInterval(() => {
    Atomics.store(beat, 0, Date.now() - origin);
    const now = opts.step();
    if (now !== step) {
      step = now;
      worker.postMessage(now);
    }
  }, BEAT_MS);
  timer.unref();
}
