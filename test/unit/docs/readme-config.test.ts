import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../../src/config/settings.js";
import { REPO_ROOT } from "../../../src/servers/paths.js";

describe("README configuration table", () => {
  it("documents every setting with its flag and default", () => {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    for (const spec of Object.values(SETTINGS)) {
      const row = readme
        .split("\n")
        .find((line) => line.split("|")[1]?.trim() === `\`${spec.env}\``);
      expect(row, spec.env).toBeDefined();
      expect(row).toContain(`\`--${spec.flag}\``);
      expect(row).toContain(spec.default === "" ? "(empty)" : `\`${spec.default}\``);
    }
  });
});
