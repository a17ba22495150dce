import { serverEnvironment, type ServerEnvironment } from "./environment.js";
import { serversUp, type Reporter } from "./local.js";

/** Where Kafka and Cassandra are, and who is responsible for them. */
export interface Endpoints {
  readonly kafkaBrokers: readonly string[];
  readonly cassandraContactPoints: readonly string[];
  readonly cassandraLocalDc: string;
  readonly source: "env" | "containers" | "local";
}

function list(value: string | undefined): string[] | undefined {
  const items = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return items.length > 0 ? items : undefined;
}

/** Endpoints given in the environment, when both are set. */
export function endpointsFromEnv(
  env: ServerEnvironment = serverEnvironment(),
): Endpoints | undefined {
  const kafka = list(env.kafkaBrokers);
  const cassandra = list(env.cassandraContactPoints);
  if (kafka === undefined || cassandra === undefined) return undefined;
  return {
    kafkaBrokers: kafka,
    cassandraContactPoints: cassandra,
    cassandraLocalDc: env.cassandraLocalDc ?? "datacenter1",
    source: "env",
  };
}

/**
 * Endpoints from the environment, else the local jar-based servers (started if
 * needed). `startedHere` tells the caller whether it should stop them after.
 */
export async function resolveLocalEndpoints(
  report: Reporter = () => undefined,
): Promise<{ endpoints: Endpoints; startedHere: boolean }> {
  const fromEnv = endpointsFromEnv();
  if (fromEnv !== undefined) return { endpoints: fromEnv, startedHere: false };
  const up = await serversUp(report);
  const endpointsOf = (kind: "kafka" | "cassandra"): string[] =>
    up.nodes.filter((n) => n.kind === kind).map((n) => n.endpoint);
  return {
    endpoints: {
      kafkaBrokers: endpointsOf("kafka"),
      cassandraContactPoints: endpointsOf("cassandra"),
      cassandraLocalDc: "datacenter1",
      source: "local",
    },
    startedHere: up.nodes.some((n) => n.started),
  };
}
