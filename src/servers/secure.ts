/**
 * Credentials and certificates of a secured local stack: a private CA, one PKCS12 keystore per
 * loopback address (SAN ip:127.0.0.x, signed by the CA), a truststore, and random passwords.
 * Made once per state folder with `keytool` and reused; `servers reset` removes them.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GeoAnomalyError } from "../errors.js";

export interface Secrets {
  /** Password of every keystore and of the truststore. */
  readonly storePassword: string;
  /** The detector's password, on Kafka (SCRAM) and on Cassandra (a login role). */
  readonly kafkaPassword: string;
  readonly cassandraPassword: string;
  /** Replaces Cassandra's well-known default superuser password once the admin role exists. */
  readonly cassandraAdminPassword: string;
  /** The tools' admin (Kafka super user and Cassandra superuser). */
  readonly adminPassword: string;
  /** The Cassandra role that creates keyspaces and tables. */
  readonly schemaPassword: string;
  /** The Cassandra role of the query API (SELECT only). */
  readonly apiPassword: string;
}

export interface SecurePaths {
  readonly dir: string;
  readonly caStore: string;
  /** The CA certificate clients trust (KAFKA_CA_FILE, CASSANDRA_CA_FILE). */
  readonly caPem: string;
  readonly truststore: string;
  readonly secrets: string;
  /** Marks that Cassandra's roles were set up for this state folder. */
  readonly rolesDone: string;
  /** Marks that the product's default topics, ACLs, keyspace and grants were made. */
  readonly grantsDone: string;
}

export function securePaths(root: string): SecurePaths {
  const dir = path.join(root, "secure");
  return {
    dir,
    caStore: path.join(dir, "ca.p12"),
    caPem: path.join(dir, "ca.pem"),
    truststore: path.join(dir, "truststore.p12"),
    secrets: path.join(dir, "secrets.json"),
    rolesDone: path.join(dir, "cassandra-roles-v2.done"),
    grantsDone: path.join(dir, "product-grants.done"),
  };
}

/** The keystore of the nodes listening on `host`. */
export function keystoreFor(root: string, host: string): string {
  return path.join(securePaths(root).dir, `node-${host}.p12`);
}

/** TLS material of one secured node: its keystore, the stack's truststore, the secrets that open them. */
export interface NodeTls {
  readonly keystore: string;
  readonly truststore: string;
  readonly secrets: Secrets;
}

/** The TLS material of the node on `host`, or undefined for a stack without TLS (no secrets). */
export function nodeTls(
  root: string,
  host: string,
  secrets: Secrets | undefined,
): NodeTls | undefined {
  return secrets === undefined
    ? undefined
    : { keystore: keystoreFor(root, host), truststore: securePaths(root).truststore, secrets };
}

const password = (): string => randomBytes(18).toString("base64url");

const SECRET_FIELDS: readonly (keyof Secrets)[] = [
  "storePassword",
  "kafkaPassword",
  "cassandraPassword",
  "cassandraAdminPassword",
  "adminPassword",
  "schemaPassword",
  "apiPassword",
];

/**
 * The stack's passwords, made on first use and kept readable by the owner only. A folder secured
 * before the roles were separated lacks some: it must be reset (its brokers were formatted
 * without the admin user).
 */
export function ensureSecrets(root: string): Secrets {
  const p = securePaths(root);
  if (existsSync(p.secrets)) {
    const found = JSON.parse(readFileSync(p.secrets, "utf8")) as Partial<Secrets>;
    const missing = SECRET_FIELDS.filter((f) => typeof found[f] !== "string");
    if (missing.length > 0)
      throw new GeoAnomalyError(
        "SERVER_START_FAILED",
        `${root} holds a secured stack made before its roles were separated (no ${missing.join(", ")}): ` +
          "run 'geoanomaly servers reset' and 'servers up --secure' again",
      );
    return found as Secrets;
  }
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  const secrets = Object.fromEntries(
    SECRET_FIELDS.map((f) => [f, password()]),
  ) as unknown as Secrets;
  writeFileSync(p.secrets, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** `keytool` next to the chosen Java 17, or on PATH. */
export function keytoolOf(javaBin: string): string {
  return javaBin === "java" ? "keytool" : path.join(path.dirname(javaBin), "keytool");
}

function keytool(bin: string, args: readonly string[]): void {
  try {
    execFileSync(bin, [...args], { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string };
    // The arguments hold store passwords: report keytool's own words only.
    throw new GeoAnomalyError(
      "SERVER_START_FAILED",
      `keytool ${args[0] ?? ""} failed: ${`${e.stdout ?? ""}${e.stderr ?? ""}`.trim()}`,
    );
  }
}

/** A self-signed CA in `store` (PKCS12) and its certificate as PEM in `pem`. */
export function generateCa(
  keytoolBin: string,
  store: string,
  pem: string,
  storePassword: string,
  commonName = "geoanomaly local CA",
): void {
  mkdirSync(path.dirname(store), { recursive: true });
  rmSync(store, { force: true });
  const common = ["-keystore", store, "-storetype", "PKCS12", "-storepass", storePassword];
  genKeyPair(keytoolBin, "ca", commonName, "bc:c", common);
  keytool(keytoolBin, ["-exportcert", "-rfc", "-alias", "ca", "-file", pem, ...common]);
}

/** A new RSA 2048 key pair valid ten years, under `alias` in the store `common` names. */
function genKeyPair(
  bin: string,
  alias: string,
  commonName: string,
  extension: string,
  common: readonly string[],
): void {
  keytool(bin, [
    "-genkeypair",
    "-alias",
    alias,
    "-keyalg",
    "RSA",
    "-keysize",
    "2048",
    "-validity",
    "3650",
    "-dname",
    `CN=${commonName}`,
    "-ext",
    extension,
    ...common,
  ]);
}

function nodeKeystore(bin: string, root: string, host: string, secrets: Secrets): void {
  const p = securePaths(root);
  const store = keystoreFor(root, host);
  const csr = `${store}.csr`;
  const crt = `${store}.crt`;
  const pass = secrets.storePassword;
  const common = ["-keystore", store, "-storetype", "PKCS12", "-storepass", pass];
  const san = `SAN=ip:${host}`;
  rmSync(store, { force: true });
  genKeyPair(bin, "node", host, san, common);
  keytool(bin, ["-certreq", "-alias", "node", "-file", csr, ...common]);
  keytool(bin, [
    "-gencert",
    "-alias",
    "ca",
    "-keystore",
    p.caStore,
    "-storetype",
    "PKCS12",
    "-storepass",
    pass,
    "-infile",
    csr,
    "-outfile",
    crt,
    "-rfc",
    "-validity",
    "3650",
    "-ext",
    san,
    "-ext",
    "ku:c=digitalSignature,keyEncipherment",
    "-ext",
    "eku=serverAuth,clientAuth",
  ]);
  keytool(bin, ["-importcert", "-noprompt", "-alias", "ca", "-file", p.caPem, ...common]);
  keytool(bin, ["-importcert", "-alias", "node", "-file", crt, ...common]);
  rmSync(csr, { force: true });
  rmSync(crt, { force: true });
}

/**
 * The CA, the truststore and a keystore for each host that lacks one. Returns the seconds spent
 * in keytool (0 when everything existed).
 */
export function ensureCertificates(
  root: string,
  hosts: readonly string[],
  javaBin: string,
  secrets: Secrets,
): number {
  const t0 = Date.now();
  const p = securePaths(root);
  const bin = keytoolOf(javaBin);
  if (!existsSync(p.caStore) || !existsSync(p.caPem)) {
    generateCa(bin, p.caStore, p.caPem, secrets.storePassword);
    rmSync(p.truststore, { force: true });
    for (const host of hosts) rmSync(keystoreFor(root, host), { force: true });
  }
  if (!existsSync(p.truststore)) {
    keytool(bin, [
      "-importcert",
      "-noprompt",
      "-alias",
      "ca",
      "-file",
      p.caPem,
      "-keystore",
      p.truststore,
      "-storetype",
      "PKCS12",
      "-storepass",
      secrets.storePassword,
    ]);
  }
  for (const host of hosts) {
    if (!existsSync(keystoreFor(root, host))) nodeKeystore(bin, root, host, secrets);
  }
  return (Date.now() - t0) / 1000;
}
