/**
 * The clients a one-shot command needs, from the composition root like the services' own: a
 * Cassandra session held for the length of one piece of work, and a Kafka client of the product's
 * configuration. Commands never build a driver client by hand.
 */
import type cassandra from "cassandra-driver";
import type { Kafka } from "kafkajs";
import { createCassandraClient } from "../cassandra/client.js";
import type { Config } from "../config/load.js";
import { createKafka, type LogSink } from "../kafka/client.js";

/** Connects a Cassandra session for `use` and shuts it down when `use` settles, either way. */
export async function withCassandra<T>(
  config: Config,
  use: (client: cassandra.Client) => Promise<T>,
): Promise<T> {
  const client = createCassandraClient(config);
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.shutdown();
  }
}

/** A Kafka client of the configured brokers and login; `suffix` marks the command in the client id. */
export function commandKafka(config: Config, logger?: LogSink, suffix = ""): Kafka {
  return createKafka(config, logger, suffix);
}
