/**
 * One node of the local stack at a time: its status, starting it and waiting until it answers,
 * stopping it, and killing it for fault injection.
 */
import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { GeoAnomalyError } from "../errors.js";
import { findJava17 } from "./java.js";
import { withStateLock } from "./lock.js";
import { stateDir } from "./paths.js";
import {
  portOpen,
  residentMiB,
  runningPid,
  startDetached,
  stopProcess,
  tailFile,
  waitPortsClosed,
} from "./process.js";
import type { LocalServerDefinition } from "./server.js";
import { currentTopology, stackNodes } from "./stack.js";
import { findNode, type ServerKind } from "./topology.js";

export interface ServerStatus {
  /** The node's name, e.g. kafka-1 or cassandra-3. */
  readonly name: string;
  readonly kind: ServerKind;
  readonly state: "up" | "not-answering" | "down";
  readonly pid?: number;
  readonly rssMiB?: number;
  readonly endpoint: string;
  readonly logFile: string;
  /** A running Cassandra node's commit log settings, as the node itself reports them. */
  readonly settings?: string;
}

export interface UpResult extends ServerStatus {
  /** True when this call started the node; false when it was already running. */
  readonly started: boolean;
  readonly jarFetchSeconds: number;
  /** Seconds from this node's start until it answered (0 when it was already running). */
  readonly readySeconds: number;
}

/** Progress lines for people; the CLI prints them, tests may discard them. */
export type Reporter = (line: string) => void;

/** A node's status from its recorded pid alone (no request made). */
export function statusOf(def: LocalServerDefinition, pid: number | undefined): ServerStatus {
  const rss = pid === undefined ? undefined : residentMiB(pid);
  return {
    name: def.node.name,
    kind: def.node.kind,
    state: pid === undefined ? "down" : "up",
    ...(pid === undefined ? {} : { pid }),
    ...(rss === undefined ? {} : { rssMiB: rss }),
    endpoint: def.endpoint,
    logFile: def.logFile,
  };
}

/** A port of the node that something already listens on. */
export async function busyPort(def: LocalServerDefinition): Promise<number | undefined> {
  for (const port of def.ports) if (await portOpen(def.node.host, port, 500)) return port;
  return undefined;
}

async function waitReady(def: LocalServerDefinition): Promise<number> {
  const deadline = Date.now() + def.readyTimeoutMs;
  for (;;) {
    const pid = runningPid(def.paths.pidFile, def.marker);
    if (pid === undefined) {
      throw new GeoAnomalyError(
        "SERVER_START_FAILED",
        `${def.node.name} exited during start. Last lines of ${def.logFile}:\n` +
          `${tailFile(def.logFile)}\n--- console (${def.paths.console}):\n${tailFile(def.paths.console, 15)}`,
      );
    }
    if (await def.probe()) return pid;
    if (Date.now() > deadline) {
      throw new GeoAnomalyError(
        "SERVER_START_FAILED",
        `${def.node.name} (pid ${pid}) did not answer within ${def.readyTimeoutMs / 1000} s. ` +
          `Last lines of ${def.logFile}:\n${tailFile(def.logFile)}`,
      );
    }
    await sleep(1000);
  }
}

/**
 * Starts the given nodes (the others are only waited for): brokers all at once, since a KRaft
 * controller quorum needs a majority of its voters; Cassandra nodes one after another, each
 * joining once the one before it answers.
 */
export async function startNodes(
  defs: readonly LocalServerDefinition[],
  toStart: ReadonlySet<string>,
  javaBin: string,
  report: Reporter,
): Promise<Map<string, { pid: number; readySeconds: number }>> {
  const out = new Map<string, { pid: number; readySeconds: number }>();
  const launch = async (def: LocalServerDefinition): Promise<void> => {
    const t0 = Date.now();
    const starting = toStart.has(def.node.name);
    if (starting) {
      const pid = startDetached(def.command(javaBin));
      report(
        `${def.node.name}: started pid ${pid} on ${def.node.host}, waiting until it answers...`,
      );
    }
    const pid = await waitReady(def);
    const readySeconds = starting ? (Date.now() - t0) / 1000 : 0;
    out.set(def.node.name, { pid, readySeconds });
    report(
      starting
        ? `${def.node.name}: ready at ${def.endpoint} after ${readySeconds.toFixed(1)} s`
        : `${def.node.name}: already running (pid ${pid}) at ${def.endpoint}`,
    );
  };
  const brokers = defs.filter((d) => d.node.kind === "kafka");
  const cassandras = defs.filter((d) => d.node.kind === "cassandra");
  await Promise.all([
    Promise.all(brokers.map(launch)),
    (async () => {
      for (const def of cassandras) await launch(def);
    })(),
  ]);
  return out;
}

/** Stops one node by its recorded pid and waits until its ports are free. */
export async function stopNode(def: LocalServerDefinition, report: Reporter): Promise<void> {
  const pid = runningPid(def.paths.pidFile, def.marker);
  if (pid === undefined) {
    report(`${def.node.name}: not running`);
    return;
  }
  const how = await stopProcess(pid, def.marker, 45_000);
  rmSync(def.paths.pidFile, { force: true });
  const free = await waitPortsClosed(def.node.host, def.ports, 30_000);
  report(
    `${def.node.name}: stopped pid ${pid} (${how})${free ? "" : `; port still busy: ${def.ports.join(",")}`}`,
  );
}

function nodeOrThrow(name: string, root: string): LocalServerDefinition {
  const topology = currentTopology(root);
  const node = findNode(name, topology);
  const defs = stackNodes(topology, root);
  const def = node === undefined ? undefined : defs.find((d) => d.node.name === node.name);
  if (def === undefined) {
    const names = defs.map((d) => d.node.name);
    throw new GeoAnomalyError(
      "CONFIG_INVALID",
      `no node named ${JSON.stringify(name)} in this stack; its nodes are ${names.join(", ")}`,
    );
  }
  return def;
}

/**
 * A command on one node of the recorded stack, by name (`kafka-2`): an unknown name is refused
 * naming the stack's nodes, and the action runs under the state lock.
 */
function onNamedNode<T>(
  action: (def: LocalServerDefinition, report: Reporter) => Promise<T>,
): (name: string, report?: Reporter, root?: string) => Promise<T> {
  return (name, report = () => undefined, root = stateDir()) => {
    const def = nodeOrThrow(name, root);
    return withStateLock(root, () => action(def, report));
  };
}

/** SIGKILL of one node, for fault injection: no shutdown hooks, no flush, no handover. */
export const serverKill = onNamedNode(async (def, report): Promise<void> => {
  const pid = runningPid(def.paths.pidFile, def.marker);
  if (pid === undefined) {
    report(`${def.node.name}: not running`);
    return;
  }
  process.kill(pid, "SIGKILL");
  while (runningPid(def.paths.pidFile, def.marker) !== undefined) await sleep(50);
  rmSync(def.paths.pidFile, { force: true });
  report(`${def.node.name}: killed pid ${pid} (SIGKILL)`);
});

/** Starts one node of the recorded stack (a no-op when it runs) and waits until it answers. */
export const serverStart = onNamedNode(async (def, report): Promise<UpResult> => {
  const running = runningPid(def.paths.pidFile, def.marker) !== undefined;
  const javaBin = running ? "java" : findJava17();
  if (!running) {
    const busy = await busyPort(def);
    if (busy !== undefined) {
      throw new GeoAnomalyError(
        "SERVER_PORT_BUSY",
        `${def.node.name}: ${def.node.host}:${busy} is already in use by a process this tool did not start.`,
      );
    }
    def.prepare(javaBin);
  }
  const started = await startNodes([def], new Set(running ? [] : [def.node.name]), javaBin, report);
  const s = started.get(def.node.name);
  return {
    ...statusOf(def, s?.pid),
    started: !running,
    jarFetchSeconds: 0,
    readySeconds: s?.readySeconds ?? 0,
  };
});
