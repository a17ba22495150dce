/**
 * What the Kafka consumer and the Cassandra driver report about themselves, in the detector's log:
 * rebalances and joins, request timeouts and connections, batches and commits (debug), and the
 * driver's view of each node (up, down, added, removed), its own log lines at debug. A stall under a
 * fault is then read from the log, not guessed: which node the driver had down and when, when
 * the group rebalanced, which requests timed out.
 */
import type cassandra from "cassandra-driver";
import type { Consumer } from "kafkajs";
import type { Logger } from "../observability/logger.js";

/** The driver's nodes by address, as its events name them. */
interface HostLike {
  readonly address: string;
}

/** Logs the consumer's instrumentation events. */
export function logConsumerEvents(consumer: Consumer, log: Logger): void {
  const { events } = consumer;
  consumer.on(events.REBALANCING, (e) =>
    log.info({ memberId: e.payload.memberId }, "consumer group rebalancing: rejoining"),
  );
  consumer.on(events.REQUEST_TIMEOUT, (e) =>
    log.warn(
      { broker: e.payload.broker, api: e.payload.apiName, afterMs: e.payload.pendingDuration },
      "Kafka request timed out",
    ),
  );
  consumer.on(events.CONNECT, () => log.debug({}, "consumer connected"));
  consumer.on(events.DISCONNECT, () => log.debug({}, "consumer disconnected"));
  if (!log.isLevelEnabled("debug")) return;
  consumer.on(events.FETCH, (e) =>
    log.debug(
      { broker: e.payload.nodeId, batches: e.payload.numberOfBatches, ms: e.payload.duration },
      "fetched",
    ),
  );
  consumer.on(events.END_BATCH_PROCESS, (e) =>
    log.debug(
      {
        partition: e.payload.partition,
        records: e.payload.batchSize,
        lag: e.payload.offsetLag,
        ms: e.payload.duration,
      },
      "batch processed",
    ),
  );
  consumer.on(events.COMMIT_OFFSETS, (e) =>
    log.debug(
      {
        generation: e.payload.groupGenerationId,
        offsets: e.payload.topics.flatMap((t) =>
          t.partitions.map((p) => `${p.partition}:${p.offset}`),
        ),
      },
      "offsets committed",
    ),
  );
}

/**
 * Logs the driver's node state changes; its own log lines (reconnections, and the server's
 * warnings on grouped writes, which come with every large batch) go to debug.
 */
export function logDriverEvents(client: cassandra.Client, log: Logger): void {
  const host = (h: HostLike): { host: string } => ({ host: h.address });
  client.on("hostUp", (h: HostLike) => log.info(host(h), "Cassandra node up"));
  client.on("hostDown", (h: HostLike) => log.warn(host(h), "Cassandra node down"));
  client.on("hostAdd", (h: HostLike) => log.info(host(h), "Cassandra node added"));
  client.on("hostRemove", (h: HostLike) => log.info(host(h), "Cassandra node removed"));
  if (!log.isLevelEnabled("debug")) return;
  client.on("log", (level: string, className: string, message: string) => {
    if (level !== "verbose") log.debug({ driver: className, driverLevel: level }, message);
  });
}
