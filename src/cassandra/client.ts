import { readFileSync } from "node:fs";
import cassandra from "cassandra-driver";
import type { Config } from "../config/load.js";

const CONSISTENCY: Record<Config["cassandraConsistency"], number> = {
  one: cassandra.types.consistencies.one,
  localOne: cassandra.types.consistencies.localOne,
  localQuorum: cassandra.types.consistencies.localQuorum,
  quorum: cassandra.types.consistencies.quorum,
  all: cassandra.types.consistencies.all,
};

type ClientConfig = Pick<
  Config,
  | "cassandraContactPoints"
  | "cassandraLocalDc"
  | "cassandraConsistency"
  | "cassandraUsername"
  | "cassandraPassword"
  | "cassandraTls"
  | "cassandraCaFile"
>;

/** Driver TLS options: the nodes' certificates verified against the CA file or the system's CAs. */
export function cassandraTls(
  config: Pick<Config, "cassandraTls" | "cassandraCaFile">,
): cassandra.ClientOptions["sslOptions"] {
  if (!config.cassandraTls) return undefined;
  return config.cassandraCaFile === ""
    ? { rejectUnauthorized: true }
    : { rejectUnauthorized: true, ca: [readFileSync(config.cassandraCaFile, "utf8")] };
}

/**
 * A driver client with the product's defaults: statements prepared and marked
 * idempotent (every write is an upsert of the same row), the configured
 * consistency, and no keyspace bound (statements name it). `readTimeoutMs` bounds every
 * statement's wait (the query API sets its request time).
 */
export function createCassandraClient(
  config: ClientConfig,
  opts: { readonly readTimeoutMs?: number } = {},
): cassandra.Client {
  return new cassandra.Client({
    contactPoints: [...config.cassandraContactPoints],
    localDataCenter: config.cassandraLocalDc,
    ...(config.cassandraTls ? { sslOptions: cassandraTls(config) } : {}),
    ...(config.cassandraUsername === ""
      ? {}
      : {
          authProvider: new cassandra.auth.PlainTextAuthProvider(
            config.cassandraUsername,
            config.cassandraPassword,
          ),
        }),
    // The product's failure policy is the one retry layer (backoff, pause, dead-letter): the
    // driver hands every error straight back instead of retrying some of them itself.
    policies: { retry: new cassandra.policies.retry.FallthroughRetryPolicy() },
    queryOptions: {
      consistency: CONSISTENCY[config.cassandraConsistency],
      prepare: true,
      isIdempotent: true,
    },
    socketOptions: { connectTimeout: 5000, readTimeout: opts.readTimeoutMs ?? 12_000 },
    pooling: {
      coreConnectionsPerHost: {
        [cassandra.types.distance.local]: 2,
        [cassandra.types.distance.remote]: 1,
      },
    },
  });
}
