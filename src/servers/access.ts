/**
 * How the tooling itself talks to the nodes of a stack (readiness probes, role setup): plain, or
 * as the stack's admin over TLS when it is secured, verifying every node's certificate against
 * the stack's CA like the product does.
 */
import { existsSync, readFileSync } from "node:fs";
import cassandra from "cassandra-driver";
import { Kafka, logLevel, type KafkaConfig } from "kafkajs";
import { GeoAnomalyError } from "../errors.js";
import { ROLE_USERS } from "./roles.js";
import { ensureSecrets, securePaths, type Secrets } from "./secure.js";
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

/** A login of the stack (user and password). */
export interface Login {
  readonly name: string;
  readonly password: string;
}

/** TLS options that verify the node against the stack's CA (and its address against the SAN). */
export function toolTls(access: StackAccess): { ca: string[]; rejectUnauthorized: true } {
  if (access.caPem === undefined)
    throw new GeoAnomalyError(
      "SERVER_START_FAILED",
      "the secured stack has no CA certificate (secure/ca.pem): run 'geoanomaly servers up --secure' to make it",
    );
  return { ca: [access.caPem], rejectUnauthorized: true };
}

/** The kafkajs config of the tool's clients: SASL/SCRAM as `login` (default: admin) over verified TLS. */
export function toolKafkaConfig(
  access: StackAccess,
  brokers: readonly string[],
  login: Login | undefined = access.secrets === undefined
    ? undefined
    : { name: ROLE_USERS.admin, password: access.secrets.adminPassword },
): KafkaConfig {
  const config: KafkaConfig = {
    clientId: "geoanomaly-servers",
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  };
  if (access.secure) {
    config.ssl = toolTls(access);
    if (login !== undefined)
      config.sasl = { mechanism: "scram-sha-512", username: login.name, password: login.password };
  }
  return config;
}

/** A quiet kafkajs client for `brokers`, as the stack's admin on a secured stack. */
export function toolKafka(access: StackAccess, brokers: readonly string[], login?: Login): Kafka {
  return new Kafka(
    login === undefined
      ? toolKafkaConfig(access, brokers)
      : toolKafkaConfig(access, brokers, login),
  );
}

/** Driver options of the tool's client bound to one node, as `user` (default: admin) when secured. */
export function toolCassandraOptions(
  access: StackAccess,
  endpoint: string,
  user: Login | undefined = access.secrets === undefined
    ? undefined
    : { name: ROLE_USERS.admin, password: access.secrets.adminPassword },
): cassandra.ClientOptions {
  const { loadBalancing } = cassandra.policies;
  return {
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
          // The driver would accept any certificate unless told otherwise.
          sslOptions: toolTls(access),
          ...(user === undefined
            ? {}
            : { authProvider: new cassandra.auth.PlainTextAuthProvider(user.name, user.password) }),
        }
      : {}),
  };
}

/** A Cassandra client bound to one node (others are never used), as `user` when secured. */
export function toolCassandra(
  access: StackAccess,
  endpoint: string,
  user?: Login,
): cassandra.Client {
  return new cassandra.Client(
    user === undefined
      ? toolCassandraOptions(access, endpoint)
      : toolCassandraOptions(access, endpoint, user),
  );
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
