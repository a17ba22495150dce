import path from "node:path";
import { fileURLToPath } from "node:url";
import { serverEnvironment } from "./environment.js";

/** The repository root, found from this file's place in `src/servers` or `dist/servers`. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export type ServerName = "kafka" | "cassandra";

/** Where one local server keeps its jars, config, data, logs and pid. */
export interface ServerPaths {
  readonly pom: string;
  readonly lib: string;
  readonly conf: string;
  readonly data: string;
  readonly logs: string;
  readonly pidFile: string;
  readonly console: string;
}

/** The git-ignored state folder; `GEOANOMALY_STATE_DIR` moves it. */
export function stateDir(configured = serverEnvironment().stateDir): string {
  return configured !== undefined ? path.resolve(configured) : path.join(REPO_ROOT, ".local");
}

export function serverPaths(name: ServerName, root: string): ServerPaths {
  const base = path.join(root, name);
  return {
    pom: path.join(REPO_ROOT, "local", name, "pom.xml"),
    lib: path.join(root, "lib", name),
    conf: path.join(base, "conf"),
    data: path.join(base, "data"),
    logs: path.join(base, "logs"),
    pidFile: path.join(base, "server.pid"),
    console: path.join(base, "logs", "console.log"),
  };
}
