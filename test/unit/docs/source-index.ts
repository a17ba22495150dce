/**
 * Where things are declared in src/, found by name rather than by path, so the docs tests keep
 * checking the same declarations when files move between folders.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { REPO } from "./markdown.js";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

let cached: { file: string; text: string }[] | undefined;

/** Every TypeScript file under src/ with its text (read once per test file). */
export function sources(): { file: string; text: string }[] {
  cached ??= sourceFiles(path.join(REPO, "src")).map((file) => ({
    file,
    text: readFileSync(file, "utf8"),
  }));
  return cached;
}

/** The one file under src/ that exports `name` (a const, interface, type, class or function). */
export function fileExporting(name: string): string {
  const declaration = new RegExp(
    `^export\\s+(?:declare\\s+)?(?:const|let|interface|type|class|function|enum)\\s+${name}\\b`,
    "m",
  );
  const found = sources().filter((s) => declaration.test(s.text));
  if (found.length !== 1) {
    const where = found.map((s) => path.relative(REPO, s.file)).join(", ");
    throw new Error(
      `expected one file under src/ exporting ${name}, found ${found.length} ${where}`,
    );
  }
  return (found[0] as { file: string }).file;
}
