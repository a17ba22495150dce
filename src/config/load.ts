import { GeoAnomalyError } from "../errors.js";
import { configuredLayout } from "./layout.js";
import { SETTINGS, type Config, type SettingKey } from "./settings.js";

export type { Config, SettingKey } from "./settings.js";

/** Overrides from flags, keyed like the config (values as typed on the command line). */
export type ConfigOverrides = Partial<Record<SettingKey, string | undefined>>;

/**
 * The one place that reads the environment. Flags override environment
 * variables, which override defaults; every value is validated and the result
 * is frozen. All problems are reported at once, each naming its setting.
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
      problems.push(`${spec.env} (--${spec.flag}) = ${JSON.stringify(raw)} from ${source}: ${why}`);
    }
  }
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
  if (problems.length > 0) {
    throw new GeoAnomalyError(
      "CONFIG_INVALID",
      `invalid configuration:\n  ${problems.join("\n  ")}`,
    );
  }
  return Object.freeze(out) as Config;
}

/** The config with secrets masked, for the start-up log line. */
export function redactedConfig(config: Config): Record<string, unknown> {
  return { ...config, cassandraPassword: config.cassandraPassword === "" ? "" : "***" };
}
