/**
 * The roles of a secured local Cassandra: the product's login role (a superuser, so it can create
 * its keyspace), system_auth replicated to every node of a cluster, and the well-known default
 * superuser's login disabled. Done once per state folder.
 */
import { existsSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type cassandra from "cassandra-driver";
import { GeoAnomalyError, describeError } from "../errors.js";
import { toolCassandra, type StackAccess } from "./access.js";
import { securePaths, SECURE_USER } from "./secure.js";
import { replicationFactor, type Topology } from "./topology.js";

async function connectWithin(client: cassandra.Client, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      await client.connect();
      return;
    } catch (err) {
      // The default superuser is created in the background shortly after the node starts.
      if (Date.now() > deadline) throw err;
      await sleep(1000);
    }
  }
}

/** Sets the roles up unless this state folder's marker says they are. */
export async function ensureCassandraRoles(
  topology: Topology,
  root: string,
  access: StackAccess,
  endpoint: string,
): Promise<boolean> {
  const p = securePaths(root);
  if (!topology.secure || access.secrets === undefined || existsSync(p.rolesDone)) return false;
  const secrets = access.secrets;
  const admin = toolCassandra(access, endpoint, { name: "cassandra", password: "cassandra" });
  try {
    await connectWithin(admin, 90_000);
    const rf = replicationFactor(topology.cassandraNodes);
    await admin.execute(
      `ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
    );
    await admin.execute(
      `CREATE ROLE IF NOT EXISTS ${SECURE_USER} WITH PASSWORD = '${secrets.cassandraPassword}' ` +
        "AND LOGIN = true AND SUPERUSER = true",
    );
  } catch (err) {
    throw new GeoAnomalyError(
      "SERVER_START_FAILED",
      `setting up Cassandra's roles failed: ${describeError(err)}`,
    );
  } finally {
    await admin.shutdown().catch(() => undefined);
  }
  const product = toolCassandra(access, endpoint);
  try {
    await connectWithin(product, 30_000);
    await product.execute(
      `ALTER ROLE cassandra WITH PASSWORD = '${secrets.cassandraAdminPassword}' AND LOGIN = false`,
    );
  } finally {
    await product.shutdown().catch(() => undefined);
  }
  writeFileSync(p.rolesDone, `${new Date().toISOString()}\n`);
  return true;
}
