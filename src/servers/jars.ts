import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { GeoAnomalyError } from "../errors.js";
import type { ServerPaths } from "./paths.js";

const DEPENDENCY_PLUGIN =
  "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies";

/**
 * Copies a server's runtime jars from Maven Central (through the local ~/.m2
 * cache) into its lib folder. Skipped when the folder was filled from the same
 * pom before; a marker file records which pom content filled it.
 */
export function ensureJars(
  paths: ServerPaths,
  mvn: string,
  javaBin: string,
): { fetched: boolean; seconds: number } {
  const pom = readFileSync(paths.pom, "utf8");
  const marker = path.join(paths.lib, ".pom");
  if (existsSync(marker) && readFileSync(marker, "utf8") === pom && jarCount(paths.lib) > 0) {
    return { fetched: false, seconds: 0 };
  }
  rmSync(paths.lib, { recursive: true, force: true });
  mkdirSync(paths.lib, { recursive: true });
  const started = Date.now();
  const javaHome = javaBin === "java" ? undefined : path.dirname(path.dirname(javaBin));
  const result = spawnSync(
    mvn,
    [
      "-B",
      "-q",
      "-f",
      paths.pom,
      DEPENDENCY_PLUGIN,
      "-DincludeScope=runtime",
      `-DoutputDirectory=${paths.lib}`,
    ],
    {
      encoding: "utf8",
      env: javaHome === undefined ? process.env : { ...process.env, JAVA_HOME: javaHome },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.status !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-20).join("\n");
    throw new GeoAnomalyError(
      "JAR_FETCH_FAILED",
      `Maven could not fetch the jars of ${paths.pom}:\n${tail}`,
      {
        retriable: true,
      },
    );
  }
  writeFileSync(marker, pom);
  return { fetched: true, seconds: (Date.now() - started) / 1000 };
}

export function jarCount(lib: string): number {
  return existsSync(lib) ? readdirSync(lib).filter((f) => f.endsWith(".jar")).length : 0;
}

/** A jar of the lib folder whose name starts with `prefix`, e.g. the jamm agent. */
export function findJar(lib: string, prefix: string): string {
  const name = readdirSync(lib).find((f) => f.startsWith(prefix) && f.endsWith(".jar"));
  if (name === undefined) {
    throw new GeoAnomalyError(
      "JAR_FETCH_FAILED",
      `No ${prefix}*.jar in ${lib}; run 'geoanomaly servers reset --jars' and retry.`,
    );
  }
  return path.join(lib, name);
}
