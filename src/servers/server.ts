import type { ProcessSpec } from "./process.js";
import type { ServerPaths } from "./paths.js";
import type { NodeRef } from "./topology.js";

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
