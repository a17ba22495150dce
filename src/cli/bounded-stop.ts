/**
 * A stop that ends within a bounded time whatever a client library does: the shutdown deadline on
 * the main thread (exit 1 with the step it waited on, when a close waits on a dead broker or
 * coordinator) and the watchdog off it (SIGKILL when the main thread no longer yields at all).
 */
import { armShutdownDeadline, type DeadlinePorts } from "./shutdown-deadline.js";
import { armStopWatchdog } from "./stop-watchdog.js";

/** What is stopped: the detector service, or anything with the same two calls. */
export interface Stoppable {
  stop(): Promise<void>;
  stopStep(): string;
}

/**
 * Arms both deadlines, then starts the stop. `graceMs` (tests) is the watchdog's margin after
 * the deadline. Neither holds the process open; both stay armed until it ends, since a loop
 * that never yields can start even after the stop resolved.
 */
export function startBoundedStop(
  service: Stoppable,
  timeoutMs: number,
  ports: Pick<DeadlinePorts, "report" | "exit"> & { readonly graceMs?: number },
): void {
  const step = (): string => service.stopStep();
  armShutdownDeadline(timeoutMs, { step, report: ports.report, exit: ports.exit });
  armStopWatchdog({
    timeoutMs,
    step,
    ...(ports.graceMs === undefined ? {} : { graceMs: ports.graceMs }),
  });
  void service.stop();
}
