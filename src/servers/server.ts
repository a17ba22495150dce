import type { ProcessSpec } from "./process.js";
import path from "node:path";
import type { StackAccess } from "./access.js";
import { CASSANDRA_PORT, CASSANDRA_STORAGE_PORT } from "./cassandra-config.js";
import { KAFKA_CONTROLLER_PORT, KAFKA_PORT } from "./kafka-config.js";
import { serverPaths, type ServerPaths } from "./paths.js";
import type { NodeRef, ServerKind, Topology } from "./topology.js";

/** What the local-servers manager needs to know about one node of a stack. */
export interface LocalServerDefinition {
  readonly node: NodeRef;
  readonly paths: ServerPaths;
  /** Every port the node binds on its address; `down` waits until all are free. */
  readonly ports: readonly number[];
  /** The client endpoint printed and handed to tests, e.g. 127.0.0.1:9092. */
  readonly endpoint: string;
  /** Its own config file; identifies the process in /proc/<pid>/cmdline. */
  readonly marker: string;
  readonly readyTimeoutMs: number;
  /** The main log file, whose tail explains a failed start. */
  readonly logFile: string;
  /** Writes config files and formats storage when needed. Idempotent. */
  prepare(javaBin: string): void;
  command(javaBin: string): ProcessSpec;
  /** Resolves true only when a real client request to this node succeeded. */
  probe(): Promise<boolean>;
  /** Settings the running node itself reports that `status` shows (undefined: none, or no answer). */
  runningSettings?(): Promise<string | undefined>;
}

/** The files and ports that set one kind of node apart from the other. */
interface NodeLayout {
  /** The client port first (the endpoint's), then the others the node binds. */
  readonly ports: readonly [number, ...number[]];
  /** Its config file's name in its conf folder: also what marks its process. */
  readonly configFile: string;
  /** Its main log's name in its logs folder. */
  readonly logFile: string;
  readonly readyTimeoutMs: number;
}

const LAYOUTS: Readonly<Record<ServerKind, NodeLayout>> = {
  kafka: {
    ports: [KAFKA_PORT, KAFKA_CONTROLLER_PORT],
    configFile: "server.properties",
    logFile: "server.log",
    readyTimeoutMs: 120_000,
  },
  cassandra: {
    ports: [CASSANDRA_PORT, CASSANDRA_STORAGE_PORT],
    configFile: "cassandra.yaml",
    logFile: "system.log",
    readyTimeoutMs: 240_000,
  },
};

/** What a node definition holds that follows from the node, its state folder and its kind. */
export type NodeBasics = Pick<
  LocalServerDefinition,
  "node" | "paths" | "ports" | "endpoint" | "marker" | "readyTimeoutMs" | "logFile"
>;

/** The node's folders, endpoint, marker and log, laid out the same way for every kind. */
export function nodeBasics(node: NodeRef, root: string): NodeBasics {
  const layout = LAYOUTS[node.kind];
  const paths = serverPaths(node, root);
  return {
    node,
    paths,
    ports: layout.ports,
    endpoint: `${node.host}:${layout.ports[0]}`,
    marker: path.join(paths.conf, layout.configFile),
    readyTimeoutMs: layout.readyTimeoutMs,
    logFile: path.join(paths.logs, layout.logFile),
  };
}

/** What a kind adds to a node's basics: how it is prepared, launched and probed. */
export type NodeBehaviour = Omit<LocalServerDefinition, keyof NodeBasics>;

/** One kind's behaviour; every kind takes the same inputs, so a stack picks by kind. */
export type NodeFactory = (
  basics: NodeBasics,
  topology: Topology,
  root: string,
  access: StackAccess,
) => NodeBehaviour;
