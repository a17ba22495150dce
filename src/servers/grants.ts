/**
 * What a detector needs on a secured local stack before it starts, made by the tools (the
 * detector itself may create nothing): its topics and Kafka ACLs, its keyspace (owned by the
 * schema role) and the keyspace grants of the detector and API roles. `servers up --secure` makes
 * them for the product's default names; `servers grant` for the names a deployment configures.
 * The tables come from `geoanomaly schema apply` run with the schema role's settings.
 */
import { writeFileSync } from "node:fs";
import { GeoAnomalyError } from "../errors.js";
import { stackAccess } from "./access.js";
import { grantKeyspace } from "./cassandra-roles.js";
import { grantTopics } from "./kafka-acls.js";
import { stateDir } from "./paths.js";
import { DEFAULT_PRODUCT_NAMES, type ProductNames } from "./roles.js";
import { securePaths } from "./secure.js";
import { currentTopology, stackNodes } from "./stack.js";

export interface Granted {
  readonly createdTopics: readonly string[];
  readonly keyspace: string;
}

/** Makes the topics, ACLs, keyspace and grants for `names` on the running secured stack. */
export async function grantProductAccess(
  root = stateDir(),
  names: ProductNames = DEFAULT_PRODUCT_NAMES,
): Promise<Granted> {
  const topology = currentTopology(root);
  if (!topology.secure)
    throw new GeoAnomalyError(
      "CONFIG_INVALID",
      "this stack is not secured: everyone may do everything on it, there is nothing to grant",
    );
  const access = stackAccess(topology, root);
  const defs = stackNodes(topology, root, access);
  const brokers = defs.filter((d) => d.node.kind === "kafka").map((d) => d.endpoint);
  const cassandra = defs.find((d) => d.node.kind === "cassandra");
  if (cassandra === undefined) throw new Error("a stack always has a Cassandra node");
  const createdTopics = await grantTopics(topology, access, brokers, names);
  await grantKeyspace(topology, access, cassandra.endpoint, names.keyspace);
  return { createdTopics, keyspace: names.keyspace };
}

/** The default grants, once per state folder (a marker records them). */
export async function ensureDefaultGrants(root: string): Promise<Granted> {
  const granted = await grantProductAccess(root, DEFAULT_PRODUCT_NAMES);
  writeFileSync(securePaths(root).grantsDone, `${new Date().toISOString()}\n`);
  return granted;
}
