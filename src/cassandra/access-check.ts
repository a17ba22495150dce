/**
 * Checks at start that Cassandra accepts the configured login and presents a trusted
 * certificate, and turns a refusal into one sentence that names the setting to fix.
 */
import cassandra from "cassandra-driver";
import { unreachableError, untrustedCertificateError } from "../config/access-errors.js";
import type { Config } from "../config/load.js";
import { GeoAnomalyError, describeError } from "../errors.js";

type CassandraAccessConfig = Pick<
  Config,
  | "cassandraContactPoints"
  | "cassandraUsername"
  | "cassandraPassword"
  | "cassandraTls"
  | "cassandraCaFile"
>;

function innerErrors(err: unknown): unknown[] {
  const inner = (err as { innerErrors?: unknown }).innerErrors;
  return inner !== null && typeof inner === "object" ? Object.values(inner) : [];
}

/** A product error for a failed connect, or undefined when it is not about access. */
export function cassandraAccessError(
  err: unknown,
  config: CassandraAccessConfig,
): GeoAnomalyError | undefined {
  const nodes = config.cassandraContactPoints.join(",");
  const all = [err, ...innerErrors(err)];
  const auth = all.find(
    (e) =>
      e instanceof cassandra.errors.AuthenticationError || /AuthenticationError/.test(String(e)),
  );
  const text = all.map((e) => describeError(e)).join("; ");
  if (auth !== undefined || /requires authentication/i.test(text)) {
    return new GeoAnomalyError(
      "AUTH_FAILED",
      config.cassandraUsername === ""
        ? `Cassandra at ${nodes} requires a login: set CASSANDRA_USERNAME and CASSANDRA_PASSWORD`
        : `Cassandra at ${nodes} rejected the login of user ${JSON.stringify(config.cassandraUsername)}: ` +
            "check CASSANDRA_USERNAME and CASSANDRA_PASSWORD",
    );
  }
  return untrustedCertificateError(err, "cassandra", config);
}

/** Connects `client` (the product's own); a refused login or untrusted certificate becomes one line. */
export async function connectCassandra(
  client: cassandra.Client,
  config: CassandraAccessConfig,
): Promise<void> {
  try {
    await client.connect();
  } catch (err) {
    throw cassandraAccessError(err, config) ?? unreachableError(err, "cassandra", config);
  }
}
