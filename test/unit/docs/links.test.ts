import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, docFiles, headingAnchors, linkTargets, readRepoFile } from "./markdown.js";

/** Why a relative link of `file` does not lead anywhere, or undefined when it does. */
function brokenLink(file: string, target: string): string | undefined {
  const [pathPart = "", anchor] = target.split("#", 2);
  const resolved =
    pathPart === "" ? path.join(REPO, file) : path.resolve(REPO, path.dirname(file), pathPart);
  if (!resolved.startsWith(REPO + path.sep)) return `${target} leaves the repository`;
  if (!existsSync(resolved)) return `${target}: no such file`;
  if (anchor === undefined || !resolved.endsWith(".md")) return undefined;
  const anchors = headingAnchors(readRepoFile(path.relative(REPO, resolved)));
  return anchors.has(anchor) ? undefined : `${target}: no heading makes #${anchor}`;
}

describe("links of the README and docs/", () => {
  for (const file of docFiles()) {
    it(`${file}: every relative link leads to an existing file and heading`, () => {
      const targets = linkTargets(readRepoFile(file)).filter(
        (t) => !/^[a-z][a-z0-9+.-]*:/i.test(t),
      );
      const broken = targets.map((t) => brokenLink(file, t)).filter((b) => b !== undefined);
      expect(broken).toEqual([]);
    });
  }

  it("the link reader sees links and anchors as GitHub does", () => {
    expect(linkTargets("See [a](docs/a.md#b-c) and ![m](map.png), not `[x](y)`.")).toEqual([
      "docs/a.md#b-c",
      "map.png",
    ]);
    expect([...headingAnchors("# A b\n## How `/v1/x` is exact\n## A b\n```\n# no\n```")]).toEqual([
      "a-b",
      "how-v1x-is-exact",
      "a-b-1",
    ]);
    expect(brokenLink("README.md", "docs/no-such-page.md")).toMatch(/no such file/);
    expect(brokenLink("README.md", "#no-such-heading")).toMatch(/no heading/);
  });
});
