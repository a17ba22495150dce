/**
 * Every setting of the service in one table, assembled from its parts by concern (settings/): its
 * environment variable, its flag, what it means, its default and how it is validated. `--help`,
 * the README's table and the loader are all built from this object, in this order.
 */
import type { z } from "zod";
import { API_SETTINGS } from "./settings/api.js";
import { CASSANDRA_SETTINGS } from "./settings/cassandra.js";
import { KAFKA_SETTINGS } from "./settings/kafka.js";
import { LAYOUT_SETTINGS } from "./settings/layout.js";
import { OBSERVABILITY_SETTINGS } from "./settings/observability.js";
import { SEARCH_SETTINGS } from "./settings/search.js";
import { SECURITY_SETTINGS } from "./settings/security.js";

export type { SettingSpec } from "./settings/spec.js";

export const SETTINGS = {
  ...KAFKA_SETTINGS,
  ...CASSANDRA_SETTINGS,
  ...LAYOUT_SETTINGS,
  ...SEARCH_SETTINGS,
  ...OBSERVABILITY_SETTINGS,
  ...API_SETTINGS,
  ...SECURITY_SETTINGS,
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Config = { readonly [K in SettingKey]: z.output<(typeof SETTINGS)[K]["schema"]> };
