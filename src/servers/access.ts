/**
 * How the tooling itself talks to the nodes of a stack (readiness probes, role setup): plain, or
 * with the stack's CA, user and passwords when it is secured.
 */
import { existsSync, readFileSync } from "node:fs";
import cassandra from "cassandra-driver";
import { Kafka, logLevel, type KafkaConfig } from "kafkajs";
import { ensureSecrets, securePaths, SECURE_USER, type Secrets } from "./secure.js";
import type { Topology } from "./topology.js";

export interface StackAccess {
  readonly secure: boolean;
  /** PEM of the stack's CA; present when secure. */
  readonly caPem?: string;
  readonly secrets?: Secrets;
}

export function stackAccess(topology: Topology, root: string): StackAccess {
  if (!topology.secure) return { secure: false };
  const p = securePaths(root);
  return {
    secure: true,
    secrets: ensureSecrets(root),
    ...(existsSync(p.caPem) ? { caPem: readFileSync(p.caPem, "utf8") } : {}),
  };
}

/** A quiet kafkajs client for `brokers`, over SASL/SCRAM and TLS on a secured stack. */
export function toolKafka(access: StackAccess, brokers: readonly string[]): Kafka {
  const config: KafkaConfig = {
    clientId: "geoanomaly-servers",
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  };
  if (access.secure && access.secrets !== undefined) {
    config.ssl = { ca: access.caPem === undefined ? [] : [access.caPem] };
    config.sasl = {
      mechanism: "scram-sha-512",
      username: SECURE_USER,
      password: access.secrets.kafkaPassword,
    };
  }
  return new Kafka(config);
}

/** A Cassandra client bound to one node (others are never used), as `user` when secured. */
export function toolCassandra(
  access: StackAccess,
  endpoint: string,
  user: { name: string; password: string } | undefined = access.secrets === undefined
    ? undefined
    : { name: SECURE_USER, password: access.secrets.cassandraPassword },
): cassandra.Client {
  const { loadBalancing } = cassandra.policies;
  return new cassandra.Client({
    contactPoints: [endpoint],
    localDataCenter: "datacenter1",
    policies: {
      loadBalancing: new loadBalancing.AllowListPolicy(
        new loadBalancing.DCAwareRoundRobinPolicy("datacenter1"),
        [endpoint],
      ),
    },
    socketOptions: { connectTimeout: 3000, readTimeout: 5000 },
    pooling: { warmup: false },
    ...(access.secure
      ? {
          sslOptions: { ca: access.caPem === undefined ? [] : [access.caPem] },
          ...(user === undefined
            ? {}
            : { authProvider: new cassandra.auth.PlainTextAuthProvider(user.name, user.password) }),
        }
      : {}),
  });
}

/** True when the error is the server refusing the login: it answered, so it is up. */
export function isAuthRejection(err: unknown): boolean {
  const text = String(err instanceof Error ? `${err.name} ${err.message}` : err);
  const inner =
    err instanceof cassandra.errors.NoHostAvailableError
      ? Object.values(err.innerErrors as Record<string, unknown>).map(String)
      : [];
  return [text, ...inner].some((t) => /AuthenticationError|Bad credentials|incorrect/i.test(t));
}
