import type { Consumer } from "kafkajs";
import type { ConsumerLoopOptions } from "../../src/kafka/consumer-loop.js";
import type { PipelineMetrics } from "../../src/pipeline/ports.js";

/** Every metric a no-op, for tests about timers, restarts or commits rather than counts. */
export const noMetrics = new Proxy({}, { get: () => () => undefined }) as PipelineMetrics;

/** A logger that drops every line. */
export const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Consumer-loop options over `consumer` for a test: a handler that does nothing, dead letters
 * accepted, a store probe that answers, quiet metrics and logs, one partition at a time; each
 * test overrides what it is about.
 */
export function loopOptions(
  consumer: Consumer,
  overrides: Partial<ConsumerLoopOptions> = {},
): ConsumerLoopOptions {
  return {
    consumer,
    topic: "events",
    handler: () => Promise.resolve({ doneThrough: undefined }),
    deadLetters: { sendUndecodable: () => Promise.resolve() },
    metrics: noMetrics,
    logger: quietLogger,
    partitionsConcurrently: 1,
    probe: () => Promise.resolve(),
    retry: { initialMs: 100, maxMs: 1000, attempts: 3 },
    ...overrides,
  };
}
