/**
 * The roles of a secured local Cassandra (see roles.ts): the admin superuser, the schema role
 * (CREATE on all keyspaces, owner of what it creates), the detector and API login roles with no
 * rights until a keyspace is granted to them, system_auth replicated to every node of a cluster,
 * and the well-known default superuser's login disabled. Done once per state folder.
 */
import { existsSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type cassandra from "cassandra-driver";
import { GeoAnomalyError, describeError } from "../errors.js";
import { isAuthRejection, toolCassandra, type Login, type StackAccess } from "./access.js";
import { assertCqlName, keyspaceGrants, ROLE_USERS } from "./roles.js";
import { securePaths, type Secrets } from "./secure.js";
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

/** Runs `work` with a client bound to `endpoint` as `login`, then closes it. */
async function as<T>(
  access: StackAccess,
  endpoint: string,
  login: Login,
  work: (client: cassandra.Client) => Promise<T>,
  connectMs = 30_000,
): Promise<T> {
  const client = toolCassandra(access, endpoint, login);
  try {
    await connectWithin(client, connectMs);
    return await work(client);
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

/** True when `login` is accepted; false when refused; throws when the node does not answer. */
async function canLogin(access: StackAccess, endpoint: string, login: Login): Promise<boolean> {
  try {
    await as(access, endpoint, login, () => Promise.resolve(), 0);
    return true;
  } catch (err) {
    if (isAuthRejection(err)) return false;
    throw err;
  }
}

/** Passwords go into CQL text: ours are base64url, so they never need quoting. */
function pw(password: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(password)) throw new RangeError("unexpected password characters");
  return password;
}

/** The role statements run as the admin: every login role and the schema role's one right. */
export function roleStatements(secrets: Secrets): string[] {
  const login = (user: string, password: string): string =>
    `CREATE ROLE IF NOT EXISTS ${user} WITH PASSWORD = '${pw(password)}' AND LOGIN = true`;
  return [
    `ALTER ROLE cassandra WITH PASSWORD = '${pw(secrets.cassandraAdminPassword)}' AND LOGIN = false`,
    login(ROLE_USERS.schema, secrets.schemaPassword),
    `GRANT CREATE ON ALL KEYSPACES TO ${ROLE_USERS.schema}`,
    login(ROLE_USERS.detector, secrets.cassandraPassword),
    login(ROLE_USERS.api, secrets.apiPassword),
  ];
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
  const admin: Login = { name: ROLE_USERS.admin, password: secrets.adminPassword };
  try {
    // A setup cut short may have made the admin and disabled the default superuser already.
    const adminExists = await canLogin(access, endpoint, admin);
    if (!adminExists)
      await as(
        access,
        endpoint,
        { name: "cassandra", password: "cassandra" },
        async (client) => {
          const rf = replicationFactor(topology.cassandraNodes);
          await client.execute(
            `ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
          );
          await client.execute(
            `CREATE ROLE IF NOT EXISTS ${admin.name} WITH PASSWORD = '${pw(admin.password)}' ` +
              "AND LOGIN = true AND SUPERUSER = true",
          );
        },
        90_000,
      );
    await as(access, endpoint, admin, async (client) => {
      for (const statement of roleStatements(secrets)) await client.execute(statement);
    });
  } catch (err) {
    throw new GeoAnomalyError(
      "SERVER_START_FAILED",
      `setting up Cassandra's roles failed: ${describeError(err)}`,
    );
  }
  writeFileSync(p.rolesDone, `${new Date().toISOString()}\n`);
  return true;
}

/**
 * Makes `keyspace` as the schema role (so it owns it; the tables come from
 * `geoanomaly schema apply` as that role) and grants the detector SELECT and MODIFY and the API
 * SELECT on it. Idempotent.
 */
export async function grantKeyspace(
  topology: Topology,
  access: StackAccess,
  endpoint: string,
  keyspace: string,
): Promise<void> {
  const secrets = access.secrets;
  if (secrets === undefined) return;
  const ks = assertCqlName(keyspace);
  const rf = replicationFactor(topology.cassandraNodes);
  const schema: Login = { name: ROLE_USERS.schema, password: secrets.schemaPassword };
  await as(access, endpoint, schema, async (client) => {
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
    );
  });
  const admin: Login = { name: ROLE_USERS.admin, password: secrets.adminPassword };
  await as(access, endpoint, admin, async (client) => {
    for (const statement of keyspaceGrants(ks)) await client.execute(statement);
  });
}
