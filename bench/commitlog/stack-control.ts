/**
 * Puts a private stack into a variant's configuration through the product's own servers tool
 * (stopping it first when it runs with other commit log settings), and hands back the product
 * config that points at it.
 */
import { loadConfig, type Config } from "../../src/config/load.js";
import { serversDown, serversUp, type Reporter } from "../../src/servers/local.js";
import { clientSettings, recordedTopology } from "../../src/servers/stack.js";
import { sameCommitlog, type Topology } from "../../src/servers/topology.js";
import type { StackSpec, Variant } from "./variants.js";

/** The product's settings for the stack (consistency, replication, contact points). */
export function stackConfig(topology: Topology, root: string): Config {
  const env = Object.fromEntries(clientSettings(topology, root).map((s) => [s.name, s.value]));
  return loadConfig({ logLevel: "warn" }, env);
}

/**
 * Brings the stack up with the variant's commit log settings: a stop first when its nodes run
 * with others, since a running node keeps the settings it started with. One Kafka broker (the
 * tool starts one with every stack; nothing here uses it).
 */
export async function useVariant(
  spec: StackSpec,
  variant: Variant,
  say: Reporter,
): Promise<{ config: Config; restartSeconds: number }> {
  const t0 = Date.now();
  const recorded = recordedTopology(spec.root);
  const wanted = { ...variant };
  if (recorded !== undefined && !sameCommitlog(recorded, { ...recorded, ...wanted })) {
    await serversDown(say, spec.root);
  }
  const up = await serversUp(say, spec.root, {
    kafkaBrokers: 1,
    cassandraNodes: spec.cassandraNodes,
    secure: false,
    loopbackOffset: spec.loopbackOffset,
    ...wanted,
  });
  return { config: stackConfig(up.topology, spec.root), restartSeconds: (Date.now() - t0) / 1000 };
}

/** Stops the stack's nodes (its data stays for the next run). */
export async function stopStack(spec: StackSpec, say: Reporter): Promise<void> {
  if (recordedTopology(spec.root) !== undefined) await serversDown(say, spec.root);
}
