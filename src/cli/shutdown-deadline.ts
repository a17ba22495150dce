/** What a shutdown deadline needs from its surroundings: ports, so a test can drive it. */
export interface DeadlinePorts {
  /** The step the stop is in, named in the message. */
  readonly step: () => string;
  readonly report: (
    fields: { step: string; timeoutMs: number; lingering: string[] },
    message: string,
  ) => void;
  readonly exit: (code: number) => void;
  readonly setTimer?: (fn: () => void, ms: number) => { unref(): unknown };
}

/**
 * Arms the stop's deadline: a stop that hangs (a broker that never answers, a stuck write) must
 * not outlive the orchestrator's patience unexplained. After `timeoutMs` it reports the step it
 * was waiting on and exits 1; events not yet committed are redelivered to the group. The timer
 * does not keep the process alive: a stop that finishes first ends the process as usual.
 */
export function armShutdownDeadline(timeoutMs: number, ports: DeadlinePorts): void {
  const setTimer = ports.setTimer ?? setTimeout;
  setTimer(() => {
    ports.report(
      // What still holds the process (timers, sockets): where to look when a stop hangs.
      { step: ports.step(), timeoutMs, lingering: process.getActiveResourcesInfo() },
      `shutdown did not finish within SHUTDOWN_TIMEOUT_MS=${timeoutMs}: exiting; events not yet committed will be redelivered`,
    );
    ports.exit(1);
  }, timeoutMs).unref();
}
