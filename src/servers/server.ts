import type { ProcessSpec } from "./process.js";
import type { ServerName, ServerPaths } from "./paths.js";

/** What the local-servers manager needs to know about one server kind. */
export interface LocalServerDefinition {
  readonly name: ServerName;
  readonly host: string;
  /** Every port the server binds; `down` waits until all are free. */
  readonly ports: readonly number[];
  /** The client endpoint printed and handed to tests, e.g. 127.0.0.1:9092. */
  readonly endpoint: string;
  /** Main class; identifies the process in /proc/<pid>/cmdline. */
  readonly marker: string;
  /** The main log file, whose tail explains a failed start. */
  logFile(paths: ServerPaths): string;
  /** Writes config files and formats storage when needed. Idempotent. */
  prepare(paths: ServerPaths, javaBin: string): void;
  command(paths: ServerPaths, javaBin: string): ProcessSpec;
  /** Resolves true only when a real client request succeeded. */
  probe(): Promise<boolean>;
}
