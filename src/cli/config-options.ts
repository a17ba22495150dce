import type { Command } from "commander";
import type { ConfigOverrides, SettingKey } from "../config/load.js";
import { SETTINGS } from "../config/settings.js";

/** Adds one flag per setting, each documenting its environment variable and default. */
export function addConfigOptions(
  cmd: Command,
  keys: readonly SettingKey[] = Object.keys(SETTINGS) as SettingKey[],
): Command {
  for (const key of keys) {
    const spec = SETTINGS[key];
    const def = spec.default === "" ? "empty" : spec.default;
    cmd.option(`--${spec.flag} <value>`, `${spec.description} (env ${spec.env}, default ${def})`);
  }
  return cmd;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The flags the user gave, as config overrides (commander stores them camel-cased). */
export function overridesFrom(
  opts: Record<string, unknown>,
  keys: readonly SettingKey[] = Object.keys(SETTINGS) as SettingKey[],
): ConfigOverrides {
  const out: ConfigOverrides = {};
  for (const key of keys) {
    const value = opts[camel(SETTINGS[key].flag)];
    if (typeof value === "string") out[key] = value;
  }
  return out;
}
