/**
 * Rules for the secret settings, applied by the loader once every value has parsed: a secret
 * may come from a file (`<VARIABLE>_FILE`, the Docker and Kubernetes secrets convention, so it
 * never shows in the environment of `ps` or in a flag), and a password is never sent over a
 * connection without TLS unless ALLOW_PLAINTEXT_CREDENTIALS says so.
 */
import { readFileSync } from "node:fs";
import { SETTINGS, type Config, type SettingKey } from "./settings.js";

/** A secret setting and the setting naming the file it may be read from instead. */
export interface SecretFilePair {
  readonly secret: SettingKey;
  readonly file: SettingKey;
}

const label = (key: SettingKey): string => `${SETTINGS[key].env} (--${SETTINGS[key].flag})`;

/** Every secret setting with its `_FILE` twin (a secret without one is listed with file unset). */
export function secretFilePairs(): { pairs: SecretFilePair[]; unpaired: SettingKey[] } {
  const keys = Object.keys(SETTINGS) as SettingKey[];
  const pairs: SecretFilePair[] = [];
  const unpaired: SettingKey[] = [];
  for (const secret of keys) {
    const spec: { secret?: boolean; env: string } = SETTINGS[secret];
    if (spec.secret !== true) continue;
    const file = keys.find((k) => SETTINGS[k].env === `${spec.env}_FILE`);
    if (file === undefined) unpaired.push(secret);
    else pairs.push({ secret, file });
  }
  return { pairs, unpaired };
}

/** The file's text without one trailing newline (what `echo pw > file` adds). */
export function secretFromFileText(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/**
 * Fills each secret whose `_FILE` setting is set from that file, in place. Returns the problems:
 * both set, an unreadable file, an empty secret. Never quotes a secret.
 */
export function resolveSecretFiles(
  values: Record<string, unknown>,
  read: (file: string) => string = (file) => readFileSync(file, "utf8"),
): string[] {
  const problems: string[] = [];
  for (const { secret, file } of secretFilePairs().pairs) {
    const path = values[file];
    if (typeof path !== "string" || path === "") continue;
    if (values[secret] !== "") {
      problems.push(`${label(secret)} and ${label(file)} are both set: set one of them`);
      continue;
    }
    let text: string;
    try {
      text = read(path);
    } catch {
      problems.push(`${label(file)} = ${JSON.stringify(path)}: no readable file there`);
      continue;
    }
    const value = secretFromFileText(text);
    if (value === "") problems.push(`${label(file)} = ${JSON.stringify(path)}: the file is empty`);
    else values[secret] = value;
  }
  return problems;
}

/** A login over a connection without TLS, unless ALLOW_PLAINTEXT_CREDENTIALS=true. */
export function plaintextCredentialProblems(config: Config): string[] {
  if (config.allowPlaintextCredentials) return [];
  const problems: string[] = [];
  const allow = "or ALLOW_PLAINTEXT_CREDENTIALS=true to accept that";
  if (config.kafkaSaslMechanism !== "" && !config.kafkaTls)
    problems.push(
      `KAFKA_SASL_MECHANISM (--kafka-sasl-mechanism) would send KAFKA_USERNAME's password over a ` +
        `connection without TLS: set KAFKA_TLS=true, ${allow}`,
    );
  if (config.cassandraUsername !== "" && !config.cassandraTls)
    problems.push(
      `CASSANDRA_USERNAME (--cassandra-username) would send CASSANDRA_PASSWORD over a connection ` +
        `without TLS: set CASSANDRA_TLS=true, ${allow}`,
    );
  return problems;
}
