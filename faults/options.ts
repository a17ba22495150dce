/** What the fault suite and the overload run share on their command lines: numbers, folders. */
import path from "node:path";
import { InvalidArgumentError } from "commander";
import { REPO_ROOT } from "../src/servers/paths.js";

/** A number above 0, from a flag's text. */
export function positive(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a number > 0.");
  return n;
}

/** Where the runs' stacks keep their state unless --state-dir says otherwise. */
export const DEFAULT_STATE_DIR = path.join(REPO_ROOT, ".local", "faults");

/** A run's results folder under faults/results/, named by `prefix` and its start time. */
export function resultsDir(prefix: string, startedAt: Date): string {
  return path.join(
    REPO_ROOT,
    "faults",
    "results",
    `${prefix}${startedAt.toISOString().replace(/[:.]/g, "-")}`,
  );
}

/**
 * The detector settings of one run on a stack (`clientSettings`, its addresses and logins): the
 * run's own topics, group and keyspace, six partitions, and `extra` (log level and the like).
 */
export function runSettings(
  clientSettings: Record<string, string>,
  run: string,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    ...clientSettings,
    INPUT_TOPIC: `${run}.events`,
    DLQ_TOPIC: `${run}.dlq`,
    ALERT_TOPIC: `${run}.alerts`,
    KAFKA_GROUP_ID: `${run}.detectors`,
    CASSANDRA_KEYSPACE: run.replace(/-/g, "_"),
    TOPIC_PARTITIONS: "6",
    ...extra,
  };
}
