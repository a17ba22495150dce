/**
 * The wording of a refused first contact, shared by the Kafka and Cassandra start checks: an
 * untrusted certificate or an unreachable server becomes one sentence naming the setting to fix,
 * the settings' names taken from the settings table.
 */
import { GeoAnomalyError, describeError, tlsVerifyReason, type ErrorCode } from "../errors.js";
import { withoutSecrets } from "./load.js";
import { SETTINGS, type Config, type SettingKey } from "./settings.js";

/**
 * Each server's name in a sentence, what its nodes are called, the setting listing them, and
 * what failing to reach it is (its code and verb).
 */
const SERVERS = {
  kafka: ["Kafka", "brokers", "kafkaBrokers", "BUS_PUBLISH_FAILED", "talk to"],
  cassandra: ["Cassandra", "nodes", "cassandraContactPoints", "STORE_READ_FAILED", "connect to"],
} as const satisfies Record<string, readonly [string, string, SettingKey, ErrorCode, string]>;

export type Server = keyof typeof SERVERS;

/** The settings a server's access messages read: its addresses, TLS switch and CA file. */
export type AccessConfig<S extends Server> = Pick<
  Config,
  (typeof SERVERS)[S][2] | `${S}Tls` | `${S}CaFile`
>;

interface Access {
  readonly name: string;
  readonly nodes: string;
  readonly at: string;
  readonly addressSetting: string;
  readonly tls: boolean;
  readonly tlsSetting: string;
  readonly caFile: string;
  readonly caFileSetting: string;
}

function accessOf<S extends Server>(server: S, config: AccessConfig<S>): Access {
  const values = config as unknown as Record<string, unknown>;
  const [name, nodes, addresses] = SERVERS[server];
  const tlsKey: SettingKey = `${server}Tls`;
  const caKey: SettingKey = `${server}CaFile`;
  return {
    name,
    nodes,
    at: (values[addresses] as readonly string[]).join(","),
    addressSetting: SETTINGS[addresses].env,
    tls: values[tlsKey] === true,
    tlsSetting: SETTINGS[tlsKey].env,
    caFile: String(values[caKey]),
    caFileSetting: SETTINGS[caKey].env,
  };
}

/** TLS_FAILED naming the CA setting, when `err` is a certificate that could not be verified. */
export function untrustedCertificateError<S extends Server>(
  err: unknown,
  server: S,
  config: AccessConfig<S>,
): GeoAnomalyError | undefined {
  const reason = tlsVerifyReason(err);
  if (reason === undefined) return undefined;
  const a = accessOf(server, config);
  return new GeoAnomalyError(
    "TLS_FAILED",
    `${a.name} at ${a.at} presented a certificate that is not trusted (${reason}): ` +
      (a.caFile === ""
        ? `set ${a.caFileSetting} to the CA that signed it`
        : `${a.caFileSetting} (${a.caFile}) is not the CA that signed it`),
  );
}

/**
 * A retriable error for a server that did not answer, with a hint about its TLS setting (the
 * usual cause of a first contact that hangs up), and no secret of `config` in the text.
 */
export function unreachableError<S extends Server>(
  err: unknown,
  server: S,
  config: AccessConfig<S> & Partial<Config>,
): GeoAnomalyError {
  const a = accessOf(server, config);
  const hint = a.tls
    ? `is ${a.tlsSetting} right for these ${a.nodes}?`
    : `if the ${a.nodes} require TLS, set ${a.tlsSetting}=true`;
  const [, , , code, verb] = SERVERS[server];
  return new GeoAnomalyError(
    code,
    withoutSecrets(
      `could not ${verb} ${a.name} at ${a.at} (${a.addressSetting}): ` +
        `${describeError(err)}; ${hint}`,
      config,
    ),
    { cause: err, retriable: true },
  );
}
