import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ALERTS_TABLE,
  replicationCql,
  schemaFile,
  schemaStatements,
} from "../../../src/cassandra/schema.js";
import { configuredLayout } from "../../../src/config/layout.js";
import { loadConfig } from "../../../src/config/load.js";
import { ALERT_TTL_SECONDS } from "../../../src/domain/detect/alert-archive.js";
import { compactionWindow, tableName } from "../../../src/domain/sizing/levels.js";
import { REPO_ROOT } from "../../../src/servers/paths.js";

/** The layout of the default configuration. */
const DEFAULT_LAYOUT = configuredLayout(loadConfig({}, {}));

describe("cql/schema.cql", () => {
  it("is exactly what the default configuration's layout generates (run `npm run schema:generate` after changing it)", () => {
    const onDisk = readFileSync(path.join(REPO_ROOT, "cql", "schema.cql"), "utf8");
    expect(onDisk).toBe(schemaFile(DEFAULT_LAYOUT, "geoanomaly", "SimpleStrategy:1"));
  });

  it("has one table per length with that length's TTL and a TWCS window matched to its bucket", () => {
    const statements = schemaStatements(DEFAULT_LAYOUT, "ks", "SimpleStrategy:1");
    expect(statements).toHaveLength(DEFAULT_LAYOUT.length + 6);
    for (const level of DEFAULT_LAYOUT) {
      const table = statements.find((s) => s.includes(`ks.${tableName(level.length)} (`));
      const window = compactionWindow(level.bucketMs);
      expect(table).toContain(`default_time_to_live = ${level.ttlSeconds}`);
      expect(table).toContain(
        `'compaction_window_unit': '${window.unit}', 'compaction_window_size': ${window.size}`,
      );
      expect(table).toContain("PRIMARY KEY ((cell, bucket), time, id)");
      expect(table).toContain("CLUSTERING ORDER BY (time DESC, id ASC)");
    }
  });

  it("ends with the alert archive, keyed by region and bucket, one row per event id", () => {
    const last = schemaStatements(DEFAULT_LAYOUT, "ks", "SimpleStrategy:1").at(-1);
    expect(last).toContain(`CREATE TABLE IF NOT EXISTS ks.${ALERTS_TABLE} (`);
    expect(last).toContain("PRIMARY KEY ((region, bucket), time, event_id)");
    expect(last).toContain(`default_time_to_live = ${ALERT_TTL_SECONDS}`);
  });

  it("renders both replication forms", () => {
    expect(replicationCql("SimpleStrategy:3")).toBe(
      "{'class': 'SimpleStrategy', 'replication_factor': 3}",
    );
    expect(replicationCql("NetworkTopologyStrategy:dc1=3,dc2=2")).toBe(
      "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}",
    );
  });
});
