/**
 * A stop in named steps, run once in the order given (a second call waits on the first): each step
 * logged as it starts, so a shutdown deadline can say what it was waiting on. A step that may fail
 * without stopping the rest catches its own failure.
 */
import type { Logger } from "../observability/logger.js";

/** One part to close: what the log and the deadline call it, and how. */
export interface ShutdownStep {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/** The stop of a running service, and the step it is in ("" before stop()). */
export interface Shutdown {
  stop(): Promise<void>;
  step(): string;
}

/** Builds the stop of `steps`; `first` runs before them and `last` after, both once. */
export function orderedShutdown(
  log: Pick<Logger, "debug">,
  steps: readonly ShutdownStep[],
  hooks: { readonly first?: () => void; readonly last?: () => void } = {},
): Shutdown {
  let running: Promise<void> | undefined;
  let current = "";
  const enter = (name: string): void => {
    current = name;
    log.debug({ step: name }, "stopping");
  };
  return {
    step: () => current,
    stop: () =>
      (running ??= (async () => {
        hooks.first?.();
        for (const s of steps) {
          enter(s.name);
          await s.run();
        }
        enter("stopped");
        hooks.last?.();
      })()),
  };
}
