import { accessSync, constants } from "node:fs";
import { GeoAnomalyError } from "../errors.js";
import { configuredLayout } from "./layout.js";
import { plaintextCredentialProblems, resolveSecretFiles } from "./secrets.js";
import { SETTINGS, type Config, type SettingKey } from "./settings.js";

export type { Config, SettingKey } from "./settings.js";

/** Overrides from flags, keyed like the config (values as typed on the command line). */
export type ConfigOverrides = Partial<Record<SettingKey, string | undefined>>;

/**
 * The one place that reads the environment. Flags override environment
 * variables, which override defaults; every value is validated and the result
 * is frozen. All problems are reported at once, each naming its setting.
 * Secrets may come from files (`KAFKA_PASSWORD_FILE`, ...), and a password
 * over a connection without TLS is refused unless explicitly allowed.
 */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec = SETTINGS[key];
    const fromFlag = overrides[key];
    const fromEnv = env[spec.env];
    const raw = fromFlag ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : spec.default);
    const source =
      fromFlag !== undefined
        ? `--${spec.flag}`
        : fromEnv !== undefined && fromEnv !== ""
          ? spec.env
          : "default";
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else {
      const why = parsed.error.issues.map((i) => i.message).join("; ");
      const shown = spec.secret === true ? "(secret)" : JSON.stringify(raw);
      problems.push(`${spec.env} (--${spec.flag}) = ${shown} from ${source}: ${why}`);
    }
  }
  if (problems.length === 0) problems.push(...resolveSecretFiles(out));
  if (problems.length === 0) {
    const k = out["searchK"] as number;
    const min = out["minNeighbours"] as number;
    if (min > k)
      problems.push(
        `MIN_NEIGHBOURS (--min-neighbours) = ${min} must not exceed SEARCH_K (--k) = ${k}`,
      );
    if ((out["retryInitialMs"] as number) > (out["retryMaxMs"] as number)) {
      problems.push(
        "RETRY_INITIAL_MS (--retry-initial-ms) must not exceed RETRY_MAX_MS (--retry-max-ms)",
      );
    }
    try {
      configuredLayout(out as Config);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length === 0)
    problems.push(
      ...securityProblems(out as Config),
      ...plaintextCredentialProblems(out as Config),
    );
  if (problems.length > 0) {
    throw new GeoAnomalyError(
      "CONFIG_INVALID",
      `invalid configuration:\n  ${problems.join("\n  ")}`,
    );
  }
  return Object.freeze(out) as Config;
}

/** Settings that only make sense together: credentials with a mechanism, a CA file with TLS. */
function securityProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.kafkaSaslMechanism !== "" && config.kafkaUsername === "")
    problems.push("KAFKA_USERNAME (--kafka-username) must be set when KAFKA_SASL_MECHANISM is");
  if (config.kafkaSaslMechanism === "" && config.kafkaUsername !== "")
    problems.push(
      "KAFKA_SASL_MECHANISM (--kafka-sasl-mechanism) must be set when KAFKA_USERNAME is",
    );
  const caFiles = [
    ["KAFKA_CA_FILE (--kafka-ca-file)", config.kafkaCaFile, config.kafkaTls, "KAFKA_TLS"],
    [
      "CASSANDRA_CA_FILE (--cassandra-ca-file)",
      config.cassandraCaFile,
      config.cassandraTls,
      "CASSANDRA_TLS",
    ],
  ] as const;
  for (const [name, file, tls, tlsName] of caFiles) {
    if (file === "") continue;
    if (!tls) problems.push(`${name} is set but ${tlsName} is false: set ${tlsName}=true`);
    try {
      accessSync(file, constants.R_OK);
    } catch {
      problems.push(`${name} = ${JSON.stringify(file)}: no readable file there`);
    }
  }
  return problems;
}

/** The config with every secret masked, for the start-up log line. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec: { secret?: boolean } = SETTINGS[key];
    if (spec.secret === true && out[key] !== "") out[key] = "***";
  }
  return out;
}

/** `text` with every secret value of the config replaced by ***, for error messages. */
export function withoutSecrets(text: string, config: Partial<Config>): string {
  let out = text;
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const spec: { secret?: boolean } = SETTINGS[key];
    const value = config[key];
    if (spec.secret === true && typeof value === "string" && value.length >= 3)
      out = out.split(value).join("***");
  }
  return out;
}
