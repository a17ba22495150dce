import { describe, expect, it } from "vitest";
import { schemaStatements } from "../../../src/cassandra/schema.js";
import { stableTableId, withStableId } from "../../../src/cassandra/table-id.js";
import { configuredLayout } from "../../../src/config/layout.js";
import { loadConfig } from "../../../src/config/load.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("stable table ids", () => {
  it("are the same UUID for the same keyspace and table on every call", () => {
    const id = stableTableId("geoanomaly", "events_l4");
    expect(id).toMatch(UUID);
    expect(stableTableId("geoanomaly", "events_l4")).toBe(id);
  });

  it("differ between tables and between keyspaces", () => {
    const ids = new Set([
      stableTableId("geoanomaly", "events_l4"),
      stableTableId("geoanomaly", "events_l5"),
      stableTableId("other", "events_l4"),
    ]);
    expect(ids.size).toBe(3);
  });

  it("are added once to every CREATE TABLE of the schema and to nothing else", () => {
    const statements = schemaStatements(
      configuredLayout(loadConfig({}, {})),
      "ks",
      "SimpleStrategy:1",
    );
    const tables = statements.filter((s) => s.startsWith("CREATE TABLE"));
    expect(tables.length).toBeGreaterThan(5);
    for (const s of tables) {
      const name = /ks\.([a-z0-9_]+)/.exec(s)?.[1] ?? "";
      expect(s.endsWith(`\n    AND ID = ${stableTableId("ks", name)}`)).toBe(true);
      expect(withStableId(s)).toBe(s);
    }
    expect(statements[0]).toMatch(/^CREATE KEYSPACE/);
    expect(statements[0]).not.toMatch(/ID =/);
    expect(new Set(tables.map((s) => s.slice(-36))).size).toBe(tables.length);
  });
});
