/**
 * The detector's stop, in the order its data needs: the consumer first (no new fetches, the
 * in-flight slices finish and commit only what is durable, the group is left), then the summary
 * roller's round, then the producer the slices published through, the admin client, the
 * Cassandra session every write went through, and the metrics server last (so health reads
 * "stopping" until the end). A close that fails is logged and the stop goes on; one that never
 * answers is bounded by the shutdown deadline and the watchdog (src/cli/bounded-stop.ts).
 */
import type { Logger } from "../observability/logger.js";
import type { ShutdownStep } from "./shutdown.js";

/** What the detector closes, each by the one call that closes it. */
export interface DetectorParts {
  readonly loop: { stop(): Promise<void> };
  readonly roller?: { stop(): Promise<void> };
  readonly producer: { disconnect(): Promise<void> };
  readonly admin: { disconnect(): Promise<void> };
  readonly cassandra: { shutdown(): Promise<void> };
  readonly http?: { close(): Promise<void> };
}

/** The named steps of the detector's stop, for orderedShutdown. */
export function detectorStopSteps(parts: DetectorParts, log: Pick<Logger, "warn">): ShutdownStep[] {
  return [
    {
      name: "finishing in-flight batches and leaving the consumer group",
      run: () =>
        parts.loop.stop().catch((err: unknown) => log.warn({ err }, "consumer stop failed")),
    },
    {
      name: "stopping the summary roller",
      run: async () => await parts.roller?.stop(),
    },
    {
      name: "disconnecting the alert and dead-letter producer",
      run: () =>
        parts.producer
          .disconnect()
          .catch((err: unknown) => log.warn({ err }, "producer disconnect failed")),
    },
    {
      name: "disconnecting the Kafka admin client",
      run: () => parts.admin.disconnect().catch(() => undefined),
    },
    {
      name: "closing the Cassandra session",
      run: () => parts.cassandra.shutdown().catch(() => undefined),
    },
    { name: "closing the metrics server", run: async () => await parts.http?.close() },
  ];
}
