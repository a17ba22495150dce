import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, backticked, docFiles, readRepoFile } from "./markdown.js";

/** Where the product's own names live: its code, tools, tests and deployment files. */
const CODE_ROOTS = ["src", "bench", "test", "scripts", "bin", "local", ".ci", "web"];
const CODE_FILES = ["Dockerfile", "docker-compose.yml", "package.json"];
/** This folder names things only to check them. */
const SKIPPED = path.join("test", "unit", "docs");

function files(dir: string): string[] {
  if (dir === SKIPPED) return [];
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) => {
    const relative = path.join(dir, e.name);
    if (e.isDirectory()) return files(relative);
    return /\.(ts|js|mjs|json|sh|xml|html|css|yml|yaml)$|^run$/.test(e.name) ? [relative] : [];
  });
}

const texts = new Map<string, string>();

/** The text of the files under `roots`, one string: a name they use appears in it. */
function textOf(roots: readonly string[]): string {
  const key = roots.join(",");
  let text = texts.get(key);
  if (text === undefined) {
    text = roots
      .flatMap((root) => {
        const full = path.join(REPO, root);
        if (!existsSync(full)) return [];
        return statSync(full).isDirectory() ? files(root) : [root];
      })
      .map((f) => readFileSync(path.join(REPO, f), "utf8"))
      .join("\n");
    texts.set(key, text);
  }
  return text;
}

/** Everything that may name a variable or an error code: code, tools, tests, deployment files. */
const code = (): string => textOf([...CODE_ROOTS, ...CODE_FILES]);
/** Where metrics are registered: the product itself, not the tools that scrape them. */
const product = (): string => textOf(["src"]);

/** `SEARCH_K`, `MAP_LENGTHS=none`: an environment variable or error code (not a pattern like `RETRY_*`). */
function upperSnakeName(span: string): string | undefined {
  return /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=.*)?$/.exec(span)?.[1];
}

/** `src/domain/search.ts`, `bench/commitlog/`: a tracked path (not a placeholder or a run's output). */
function repoPath(span: string): string | undefined {
  if (!/^(src|schema|bench|test|cql|web|scripts|local|docs|bin|\.ci)\/\S*$/.test(span))
    return undefined;
  if (
    /[<>*{}…]/.test(span) ||
    /^(bench\/results|bench\/reports|test\/faults\/results)\//.test(span)
  )
    return undefined;
  return span.replace(/\/$/, "");
}

/** `geoanomaly_checks_total{result}`, `_search_stop_length`: a metric, by the name the code gives it. */
function metricName(span: string): string | undefined {
  const m = /^(?:geoanomaly)?_([a-z][a-z0-9_]*)(?:\{.*\})?$/.exec(span);
  return m?.[1];
}

describe("names the README and docs/ mention", () => {
  for (const file of docFiles()) {
    const spans = backticked(readRepoFile(file));

    it(`${file}: every variable, setting or error code named is one the code knows`, () => {
      const names = spans.map(upperSnakeName).filter((n) => n !== undefined);
      expect(names.filter((n) => !code().includes(n))).toEqual([]);
    });

    it(`${file}: every repository path named exists`, () => {
      const paths = spans.map(repoPath).filter((p) => p !== undefined);
      expect(paths.filter((p) => !existsSync(path.join(REPO, p)))).toEqual([]);
    });

    it(`${file}: every metric named is one the code registers`, () => {
      const metrics = spans.map(metricName).filter((m) => m !== undefined);
      expect(metrics.filter((m) => !product().includes(m))).toEqual([]);
    });
  }

  it("the readers pick out what they should", () => {
    expect(upperSnakeName("MAP_LENGTHS=none")).toBe("MAP_LENGTHS");
    expect(upperSnakeName("RETRY_*")).toBeUndefined();
    expect(upperSnakeName("SCORER")).toBeUndefined();
    expect(repoPath("bench/commitlog/")).toBe("bench/commitlog");
    expect(repoPath("bench/results/<timestamp>/")).toBeUndefined();
    expect(repoPath(".local/client.env")).toBeUndefined();
    expect(metricName("_retries_total{operation=write|read|publish}")).toBe("retries_total");
    expect(metricName("geoanomaly_end_to_end_latency_seconds")).toBe("end_to_end_latency_seconds");
  });
});
