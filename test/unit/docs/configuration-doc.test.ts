import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { readRepoFile, tableCells } from "./markdown.js";
import { fileExporting } from "./source-index.js";

/** What the docs need of a setting (src/config's SettingSpec). */
interface Setting {
  readonly env: string;
  readonly flag: string;
  readonly default: string;
  readonly description: string;
}

async function settings(): Promise<Setting[]> {
  const url = pathToFileURL(fileExporting("SETTINGS")).href;
  const mod = (await import(url)) as { SETTINGS: Record<string, Setting> };
  return Object.values(mod.SETTINGS);
}

/** The row the table should have for a setting: what a failing test prints to paste in. */
function expectedRow(s: Setting): string {
  const meaning = s.description.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const def = s.default === "" ? "(empty)" : `\`${s.default}\``;
  return `| \`${s.env}\` | \`--${s.flag}\` | ${def} | ${meaning} |`;
}

/** The rows of docs/configuration.md's tables, keyed by the variable they name. */
function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of readRepoFile("docs/configuration.md").split("\n")) {
    if (!line.startsWith("|")) continue;
    const cells = tableCells(line);
    const env = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[0] ?? "")?.[1];
    if (env !== undefined) rows.set(env, cells);
  }
  return rows;
}

describe("docs/configuration.md", () => {
  it("has a row for every setting with its flag, default and meaning as the settings table states them", async () => {
    const rows = documentedRows();
    for (const s of await settings()) {
      const cells = rows.get(s.env);
      const hint = `${s.env}: expected a row like\n${expectedRow(s)}`;
      expect(cells, hint).toBeDefined();
      const [, flag, def, meaning] = cells ?? [];
      expect(flag, hint).toBe(`\`--${s.flag}\``);
      expect(def, hint).toBe(s.default === "" ? "(empty)" : `\`${s.default}\``);
      expect(meaning?.replace(/&lt;/g, "<").replace(/&gt;/g, ">"), hint).toBe(s.description);
    }
  });

  it("documents no variable that is not a setting", async () => {
    const known = new Set((await settings()).map((s) => s.env));
    const extra = [...documentedRows().keys()].filter((env) => !known.has(env));
    expect(extra).toEqual([]);
  });
});
