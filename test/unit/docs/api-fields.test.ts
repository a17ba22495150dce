import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { responseFields, type DocumentedField } from "./field-lists.js";
import { REPO, readRepoFile } from "./markdown.js";
import { resultFields, type FieldTree } from "./result-types.js";
import { fileExporting } from "./source-index.js";

/** Each route of docs/api.md and the result type its handler answers. */
const ROUTES = {
  "GET /v1/events": "EventsAnswer",
  "GET /v1/clusters": "ClustersAnswer",
  "GET /v1/anomalies": "AnomaliesAnswer",
  "GET /v1/near": "NearAnswer",
} as const;

/**
 * Differences between a documented list and the fields answered: every field named must be
 * answered, every field answered must be named, and a documented field with sub-items must list
 * all of its own fields (one without sub-items is documented as a whole).
 */
function differences(doc: readonly DocumentedField[], answered: FieldTree, at: string): string[] {
  const problems: string[] = [];
  const named = new Set(doc.flatMap((f) => f.names));
  for (const name of named)
    if (!answered.has(name)) problems.push(`${at}${name} is documented but not answered`);
  for (const name of answered.keys())
    if (!named.has(name)) problems.push(`${at}${name} is answered but not documented`);
  for (const field of doc) {
    if (field.children.length === 0) continue;
    for (const name of field.names) {
      const inner = answered.get(name);
      if (inner !== undefined)
        problems.push(...differences(field.children, inner, `${at}${name}.`));
    }
  }
  return problems;
}

describe("docs/api.md response fields", () => {
  const api = readRepoFile("docs/api.md");
  const trees = resultFields(Object.values(ROUTES));

  for (const [route, typeName] of Object.entries(ROUTES)) {
    it(`${route}: the fields listed are the fields of ${typeName}`, () => {
      const answered = trees.get(typeName);
      expect(answered).toBeDefined();
      expect(differences(responseFields(api, route), answered ?? new Map(), "")).toEqual([]);
    });
  }

  it("GET /v1/anomalies: the alert schema named is the version the alerts carry, with their fields", async () => {
    const url = pathToFileURL(fileExporting("ALERT_SCHEMA_VERSION")).href;
    const { ALERT_SCHEMA_VERSION } = (await import(url)) as { ALERT_SCHEMA_VERSION: number };
    const named = [...api.matchAll(/schema\/anomaly-alert\.v(\d+)\.schema\.json/g)].map((m) =>
      Number(m[1]),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(new Set(named)).toEqual(new Set([ALERT_SCHEMA_VERSION]));

    const file = path.join(REPO, "schema", `anomaly-alert.v${ALERT_SCHEMA_VERSION}.schema.json`);
    const schema = JSON.parse(readFileSync(file, "utf8")) as {
      properties: { schemaVersion: { const: number } } & Record<string, unknown>;
    };
    expect(schema.properties.schemaVersion.const).toBe(ALERT_SCHEMA_VERSION);
    const alertFields = trees.get("AnomaliesAnswer")?.get("anomalies");
    expect([...(alertFields?.keys() ?? [])].sort()).toEqual(Object.keys(schema.properties).sort());
  });

  it("finds what a wrong list gets wrong", () => {
    const leaf: FieldTree = new Map();
    const answered: FieldTree = new Map<string, FieldTree>([
      ["search", new Map([["stopLength", leaf]])],
      ["k", leaf],
    ]);
    const doc = responseFields(
      "### `GET /v1/x`\n\nResponse fields:\n\n- `search`: the search:\n  - `stoppedAtLength`: old\n- `lat`: extra\n",
      "GET /v1/x",
    );
    expect(differences(doc, answered, "")).toEqual([
      "lat is documented but not answered",
      "k is answered but not documented",
      "search.stoppedAtLength is documented but not answered",
      "search.stopLength is answered but not documented",
    ]);
  });
});
