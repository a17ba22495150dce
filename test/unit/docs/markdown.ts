/**
 * Reading the product's documentation as the docs tests need it: which files there are, their
 * text without code blocks, the links and backticked names in it, and the anchors its headings
 * make. Plain string work, so a docs test fails for what the docs say, not for how they are read.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this file's place (test/unit/docs). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The documentation a newcomer reads: the README and every page under docs/. */
export function docFiles(): string[] {
  const docs = readdirSync(path.join(REPO, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => path.join("docs", name));
  return ["README.md", ...docs];
}

/** A file of the repository as text (`relative` to the root). */
export function readRepoFile(relative: string): string {
  return readFileSync(path.join(REPO, relative), "utf8");
}

/** The text with fenced code blocks blanked out (line numbers kept): code is not prose. */
export function withoutCodeBlocks(markdown: string): string {
  let fenced = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line;
    })
    .join("\n");
}

/** Every inline-code span of the prose (outside fenced blocks), e.g. `SEARCH_K` gives SEARCH_K. */
export function backticked(markdown: string): string[] {
  const prose = withoutCodeBlocks(markdown);
  return [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? "");
}

/** Targets of the Markdown links and images of the prose, inline code removed first. */
export function linkTargets(markdown: string): string[] {
  const prose = withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? "");
}

/**
 * The anchors the headings of a page get, as GitHub makes them: lower case, punctuation dropped,
 * spaces to hyphens, a repeated heading numbered (-1, -2, ...).
 */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of withoutCodeBlocks(markdown).split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const slug = (heading[1] ?? "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The cells of a Markdown table row, `\|` kept inside its cell and unescaped. */
export function tableCells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, "|"));
}
