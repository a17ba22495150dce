import type { TestProject } from "vitest/node";
import {
  endpointsFromEnv,
  resolveLocalEndpoints,
  type Endpoints,
} from "../../src/servers/endpoints.js";
import { serversDown } from "../../src/servers/local.js";
import { tryContainers } from "../support/containers.js";

declare module "vitest" {
  export interface ProvidedContext {
    endpoints: Endpoints;
  }
}

const log = (line: string): void => console.log(`[integration] ${line}`);

/**
 * Endpoints in this order: KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS from the
 * environment; containers when a Docker engine answers; else the local
 * jar-based servers, stopped at the end only if this setup started them.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let teardown = (): Promise<void> => Promise.resolve();
  let endpoints = endpointsFromEnv();
  if (endpoints === undefined && process.env["GEOANOMALY_TEST_CONTAINERS"] !== "0") {
    const containers = await tryContainers(log);
    if (containers !== undefined) {
      endpoints = containers.endpoints;
      teardown = () => containers.stop();
    }
  }
  if (endpoints === undefined) {
    const local = await resolveLocalEndpoints(log);
    endpoints = local.endpoints;
    if (local.startedHere) teardown = () => serversDown(log);
  }
  log(
    `real servers (${endpoints.source}): Kafka ${endpoints.kafkaBrokers.join(",")}, ` +
      `Cassandra ${endpoints.cassandraContactPoints.join(",")} (dc ${endpoints.cassandraLocalDc})`,
  );
  project.provide("endpoints", endpoints);
  return teardown;
}
