/**
 * The detector's consumer restarts, owned by the product instead of kafkajs. kafkajs 2.2.4 restarts
 * a crashed consumer from its crash handler: it disconnects, asks `retry.restartOnFailure`, then
 * arms a timer that starts the consumer again. A stop that lands between that disconnect and the
 * timer clears nothing, so the consumer was started again on a disconnected client after the
 * detector had stopped it (its event loop then stalled until the stop watchdog killed it). Here
 * kafkajs is told never to restart; the crash is recorded as retriable, and the restart is a timer
 * of ours that a stop cancels, or waits for when it is already running.
 */
import type { RetryOptions as KafkaRetryOptions } from "kafkajs";
import type { LoopLogger } from "./consumer-loop.js";

/** Delay before a crashed consumer is started again (what kafkajs waited with our retry settings). */
export const CONSUMER_RESTART_DELAY_MS = 2_000;

/** The errors kafkajs asked `restartOnFailure` about: the crashes it deems retriable. */
const retriableCrashes = new WeakSet<object>();

/**
 * kafkajs's `retry.restartOnFailure` for a consumer whose restarts the product owns. kafkajs calls
 * it only for an error it deems retriable, with the very error its CRASH event then carries, so
 * that error is recorded as retriable here; the answer is always "do not restart" (no kafkajs
 * timer a stop could miss).
 */
export function recordRetriableCrash(error: Error): Promise<boolean> {
  retriableCrashes.add(error);
  return Promise.resolve(false);
}

/** Whether kafkajs deemed this crash retriable (asked {@link recordRetriableCrash} about it). */
export function isRetriableCrash(error: unknown): boolean {
  return typeof error === "object" && error !== null && retriableCrashes.has(error);
}

/** The consumer's retry settings with restarts left to the product. */
export function productOwnedRestarts(retry: KafkaRetryOptions): KafkaRetryOptions {
  return { ...retry, restartOnFailure: recordRetriableCrash };
}

/**
 * A crash's reason for logs and the restart counter: the innermost cause's protocol error type
 * (e.g. NOT_COORDINATOR) or error name (e.g. KafkaJSBrokerNotFound), a small fixed set.
 */
export function crashReason(error: unknown): string {
  let root = error as { cause?: unknown; type?: unknown; name?: unknown } | null | undefined;
  for (let depth = 0; depth < 10 && root?.cause !== undefined && root.cause !== null; depth += 1)
    root = root.cause;
  if (typeof root?.type === "string" && root.type !== "") return root.type;
  if (typeof root?.name === "string" && root.name !== "") return root.name;
  return "unknown";
}

/** What a restart does and reports; the consumer loop supplies it. */
export interface RestartPorts {
  /** Connects the consumer and runs it with the loop's handlers (its subscriptions persist). */
  readonly start: () => Promise<void>;
  /** Counts one restart begun, by reason. */
  readonly restarted: (reason: string) => void;
  readonly logger: LoopLogger;
  readonly delayMs?: number;
}

/**
 * One pending or running restart at most. A crash schedules a restart after a short delay; a
 * restart that fails schedules the next; stop() cancels a pending one and waits for a running
 * one, after which nothing starts the consumer again.
 */
export class ConsumerRestarts {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly ports: RestartPorts) {}

  /** After a retriable crash: restarts the consumer after the delay, unless stopping. */
  schedule(reason: string, error: unknown): void {
    const { logger } = this.ports;
    if (this.stopped) {
      logger.info({ err: error, reason }, "consumer crashed while stopping: not restarted");
      return;
    }
    if (this.timer !== undefined) return; // a restart is already due
    const delayMs = this.ports.delayMs ?? CONSUMER_RESTART_DELAY_MS;
    logger.warn({ err: error, reason, delayMs }, "consumer crashed: restarting it");
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.restart(reason);
    }, delayMs);
  }

  /** Cancels a pending restart and waits for a running one: then nothing restarts the consumer. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async restart(reason: string): Promise<void> {
    if (this.stopped) return;
    this.ports.restarted(reason);
    // kafkajs's run() also resolves when the start crashed (its crash handler ran inside it, and
    // a retriable crash scheduled the next restart): only a start that did not crash is logged.
    const run = this.ports.start().then(
      () => {
        if (this.timer === undefined && !this.stopped)
          this.ports.logger.info({ reason }, "consumer restarted");
      },
      (error: unknown) => this.schedule(crashReason(error), error),
    );
    this.running = run;
    await run;
    if (this.running === run) this.running = undefined;
  }
}
