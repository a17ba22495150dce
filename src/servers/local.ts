import { rmSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { GeoAnomalyError } from "../errors.js";
import { cassandraServer } from "./cassandra.js";
import { findJava17, findMaven } from "./java.js";
import { ensureJars } from "./jars.js";
import { kafkaServer } from "./kafka.js";
import { withStateLock } from "./lock.js";
import { serverPaths, stateDir, type ServerName } from "./paths.js";
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

export const SERVERS: readonly LocalServerDefinition[] = [kafkaServer, cassandraServer];

const READY_TIMEOUT_MS: Record<ServerName, number> = { kafka: 120_000, cassandra: 240_000 };

export interface ServerStatus {
  readonly name: ServerName;
  readonly state: "up" | "not-answering" | "down";
  readonly pid?: number;
  readonly rssMiB?: number;
  readonly endpoint: string;
  readonly logFile: string;
}

export interface UpResult extends ServerStatus {
  /** True when this call started the server; false when it was already running. */
  readonly started: boolean;
  readonly jarFetchSeconds: number;
  readonly readySeconds: number;
}

/** Progress lines for people; the CLI prints them, tests may discard them. */
export type Reporter = (line: string) => void;

/** Fetches jars on first use, starts whatever is not running, and waits until each really answers. */
export async function serversUp(
  report: Reporter = () => undefined,
  root = stateDir(),
): Promise<UpResult[]> {
  return withStateLock(root, async () => {
    const running = SERVERS.map((s) => runningPid(serverPaths(s.name, root).pidFile, s.marker));
    const toStart = SERVERS.filter((_, i) => running[i] === undefined);
    const fetch = new Map<ServerName, number>();
    if (toStart.length > 0) {
      const java = findJava17();
      const mvn = findMaven();
      for (const server of toStart) {
        const busy = await busyPort(server);
        if (busy !== undefined) {
          throw new GeoAnomalyError(
            "SERVER_PORT_BUSY",
            `${server.name}: port ${busy} is already in use by a process this tool did not start. ` +
              "Stop it, or point the product at it with KAFKA_BROKERS / CASSANDRA_CONTACT_POINTS.",
          );
        }
        const paths = serverPaths(server.name, root);
        report(`${server.name}: checking jars (Maven Central, cached in ~/.m2)...`);
        const fetched = ensureJars(paths, mvn, java);
        fetch.set(server.name, fetched.seconds);
        report(
          `${server.name}: ${fetched.fetched ? `jars fetched in ${fetched.seconds.toFixed(1)} s` : "jars already present"}`,
        );
        server.prepare(paths, java);
      }
      for (const server of toStart) {
        const paths = serverPaths(server.name, root);
        const pid = startDetached(server.command(paths, java));
        report(`${server.name}: started pid ${pid}, waiting until it answers...`);
      }
    }
    return Promise.all(
      SERVERS.map(async (server, i) => {
        const paths = serverPaths(server.name, root);
        const started = running[i] === undefined;
        const t0 = Date.now();
        const pid = await waitReady(server, root);
        const readySeconds = (Date.now() - t0) / 1000;
        if (started)
          report(`${server.name}: ready at ${server.endpoint} after ${readySeconds.toFixed(1)} s`);
        else report(`${server.name}: already running (pid ${pid}) at ${server.endpoint}`);
        const rss = residentMiB(pid);
        return {
          name: server.name,
          state: "up" as const,
          pid,
          ...(rss === undefined ? {} : { rssMiB: rss }),
          endpoint: server.endpoint,
          logFile: server.logFile(paths),
          started,
          jarFetchSeconds: fetch.get(server.name) ?? 0,
          readySeconds: started ? readySeconds : 0,
        };
      }),
    );
  });
}

async function busyPort(server: LocalServerDefinition): Promise<number | undefined> {
  for (const port of server.ports) if (await portOpen(server.host, port, 500)) return port;
  return undefined;
}

async function waitReady(server: LocalServerDefinition, root: string): Promise<number> {
  const paths = serverPaths(server.name, root);
  const deadline = Date.now() + READY_TIMEOUT_MS[server.name];
  for (;;) {
    const pid = runningPid(paths.pidFile, server.marker);
    if (pid === undefined) {
      throw new GeoAnomalyError(
        "SERVER_START_FAILED",
        `${server.name} exited during start. Last lines of ${server.logFile(paths)}:\n` +
          `${tailFile(server.logFile(paths))}\n--- console (${paths.console}):\n${tailFile(paths.console, 15)}`,
      );
    }
    if (await server.probe()) return pid;
    if (Date.now() > deadline) {
      throw new GeoAnomalyError(
        "SERVER_START_FAILED",
        `${server.name} (pid ${pid}) did not answer within ${READY_TIMEOUT_MS[server.name] / 1000} s. ` +
          `Last lines of ${server.logFile(paths)}:\n${tailFile(server.logFile(paths))}`,
      );
    }
    await sleep(1000);
  }
}

/** The truth about each server: its recorded process is alive and a real client request answers. */
export async function serversStatus(root = stateDir()): Promise<ServerStatus[]> {
  return Promise.all(
    SERVERS.map(async (server) => {
      const paths = serverPaths(server.name, root);
      const pid = runningPid(paths.pidFile, server.marker);
      const base = { name: server.name, endpoint: server.endpoint, logFile: server.logFile(paths) };
      if (pid === undefined) return { ...base, state: "down" as const };
      const rss = residentMiB(pid);
      const state = (await server.probe()) ? ("up" as const) : ("not-answering" as const);
      return { ...base, state, pid, ...(rss === undefined ? {} : { rssMiB: rss }) };
    }),
  );
}

/** Stops what `up` started (by recorded pid) and waits until the ports are free. */
export async function serversDown(
  report: Reporter = () => undefined,
  root = stateDir(),
): Promise<void> {
  await withStateLock(root, async () => {
    await Promise.all(
      SERVERS.map(async (server) => {
        const paths = serverPaths(server.name, root);
        const pid = runningPid(paths.pidFile, server.marker);
        if (pid === undefined) {
          report(`${server.name}: not running`);
          return;
        }
        const how = await stopProcess(pid, server.marker, 45_000);
        rmSync(paths.pidFile, { force: true });
        const free = await waitPortsClosed(server.host, server.ports, 30_000);
        report(
          `${server.name}: stopped pid ${pid} (${how})${free ? "" : `; port still busy: ${server.ports.join(",")}`}`,
        );
      }),
    );
  });
}

/** Stops the servers and wipes their data (and with `jars`, the fetched jars too). */
export async function serversReset(
  opts: { jars: boolean },
  report: Reporter = () => undefined,
  root = stateDir(),
): Promise<void> {
  await serversDown(report, root);
  await withStateLock(root, () => {
    for (const server of SERVERS) {
      const paths = serverPaths(server.name, root);
      for (const dir of [paths.data, paths.conf, paths.logs])
        rmSync(dir, { recursive: true, force: true });
      if (opts.jars) rmSync(paths.lib, { recursive: true, force: true });
      report(`${server.name}: data wiped${opts.jars ? " (and jars)" : ""}`);
    }
    return Promise.resolve();
  });
}
