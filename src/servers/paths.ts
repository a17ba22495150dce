import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serverEnvironment } from "./environment.js";
import type { NodeRef, ServerKind } from "./topology.js";

/** The repository root, found from this file's place in `src/servers` or `dist/servers`. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where one local node keeps its config, data, logs and pid (jars are shared by its kind). */
export interface ServerPaths {
  readonly pom: string;
  readonly lib: string;
  readonly conf: string;
  readonly data: string;
  readonly logs: string;
  readonly pidFile: string;
  readonly console: string;
}

/** Creates a node's config, data and log folders (kept when they exist). */
export function makeNodeFolders(paths: ServerPaths): void {
  for (const dir of [paths.conf, paths.data, paths.logs]) mkdirSync(dir, { recursive: true });
}

/** The git-ignored state folder; `GEOANOMALY_STATE_DIR` moves it. */
export function stateDir(configured = serverEnvironment().stateDir): string {
  return configured !== undefined ? path.resolve(configured) : path.join(REPO_ROOT, ".local");
}

/** The jars of a kind, fetched once and shared by its nodes. */
export function libDir(kind: ServerKind, root: string): string {
  return path.join(root, "lib", kind);
}

export function serverPaths(node: Pick<NodeRef, "kind" | "dirName">, root: string): ServerPaths {
  const base = path.join(root, node.dirName);
  return {
    pom: path.join(REPO_ROOT, "local", node.kind, "pom.xml"),
    lib: libDir(node.kind, root),
    conf: path.join(base, "conf"),
    data: path.join(base, "data"),
    logs: path.join(base, "logs"),
    pidFile: path.join(base, "server.pid"),
    console: path.join(base, "logs", "console.log"),
  };
}

/** The record of the stack a state folder holds (its shape is fixed until `servers reset`). */
export function topologyFile(root: string): string {
  return path.join(root, "topology.json");
}

/** The settings a client needs for the stack, written by `servers up` (secrets included). */
export function clientEnvFile(root: string): string {
  return path.join(root, "client.env");
}

/**
 * The settings file of one role of a secured stack: client.env for the detector (the product's
 * main settings), schema.env, api.env and admin.env for the others.
 */
export function roleEnvFile(root: string, role: "detector" | "schema" | "api" | "admin"): string {
  return role === "detector" ? clientEnvFile(root) : path.join(root, `${role}.env`);
}
