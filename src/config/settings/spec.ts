/** What one setting is made of, and the validators the settings by concern share. */
import { z } from "zod";

/**
 * One setting: its environment variable, its flag, what it means, its default and how it is
 * validated. `--help`, the README's table and the loader are all built from these.
 */
export interface SettingSpec<T> {
  readonly env: string;
  readonly flag: string;
  readonly description: string;
  readonly default: string;
  readonly schema: z.ZodType<T>;
  /** A secret: its value is never logged, shown in --help or repeated in an error message. */
  readonly secret?: boolean;
}

/** A whole number in [min, max], from its text. */
export const intIn = (min: number, max: number): z.ZodType<number> =>
  z.coerce.number().int(`must be a whole number`).min(min).max(max);
/** A comma-separated list of at least one non-empty item. */
export const list = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== ""),
  )
  .pipe(z.array(z.string()).min(1, "must list at least one value"));
/** A list of host or host:port entries. */
export const hostPorts = list.pipe(
  z.array(z.string().regex(/^[^\s:]+(:\d{1,5})?$/, "each entry must be host or host:port")),
);
/** A name Kafka accepts for a topic. */
export const topicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, "must be a valid Kafka topic name");
/** A lower-case CQL identifier (keyspace names are not quoted). */
export const cqlName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,47}$/, "must be a lower-case CQL identifier");
/** Geohash lengths in 1..12, each once. */
export const lengthList = list
  .transform((items) => items.map(Number))
  .pipe(
    z
      .array(z.number().int("each length must be a whole number").min(1).max(12))
      .refine((a) => new Set(a).size === a.length, "must not repeat a length"),
  );
/** 'auto' or a list of geohash lengths. */
export const lengths = z.union([z.literal("auto"), lengthList], {
  error: "must be 'auto' or a comma-separated list of whole numbers in 1..12 without repeats",
});
/** A positive number up to `max`. */
export const positive = (max: number): z.ZodType<number> => z.coerce.number().positive().max(max);

/** A setting's spec, in the order the table reads: variable, flag, default, schema, meaning. */
export function spec<T>(
  env: string,
  flag: string,
  def: string,
  schema: z.ZodType<T>,
  description: string,
  secret = false,
): SettingSpec<T> {
  return { env, flag, default: def, schema, description, ...(secret ? { secret } : {}) };
}

/** 'true' or 'false', as a boolean. */
export const onOff = z
  .enum(["true", "false"], "must be true or false")
  .transform((v) => v === "true");
