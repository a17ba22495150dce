import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { GeoAnomalyError } from "../errors.js";
import { serverEnvironment } from "./environment.js";
import type { ProcessSpec } from "./process.js";
import type { LocalServerDefinition } from "./server.js";

const JAVA17_CANDIDATES = [
  "/usr/lib/jvm/java-17-openjdk-amd64",
  "/usr/lib/jvm/java-17-openjdk-arm64",
  "/usr/lib/jvm/java-17-openjdk",
  "/usr/lib/jvm/temurin-17-jdk-amd64",
  "/usr/lib/jvm/temurin-17-jdk",
  "/opt/java/openjdk",
];

/** Major version a `java` binary reports, or undefined if it does not run. */
export function javaMajor(javaBin: string): number | undefined {
  const result = spawnSync(javaBin, ["-version"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error !== undefined) return undefined;
  return parseMajor(`${result.stderr}${result.stdout}`);
}

function parseMajor(text: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (match?.[1] === undefined) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/**
 * Java 17 chosen explicitly: Cassandra 5.0 refuses Java 24+, so the machine's
 * default `java` is used only when it is a 17. Order: GEOANOMALY_JAVA_HOME,
 * JAVA_HOME, well-known JDK 17 folders, then `java` on PATH.
 */
export function findJava17(configured = serverEnvironment().javaHomes): string {
  const homes = [...configured, ...JAVA17_CANDIDATES];
  const seen: string[] = [];
  for (const home of homes) {
    if (home === undefined || home === "") continue;
    const bin = path.join(home, "bin", "java");
    if (!existsSync(bin)) continue;
    const major = javaMajor(bin);
    seen.push(`${bin} (${major ?? "unknown"})`);
    if (major === 17) return bin;
  }
  const major = javaMajor("java");
  if (major === 17) return "java";
  if (major !== undefined) seen.push(`java on PATH (${major})`);
  throw new GeoAnomalyError(
    "JAVA_MISSING",
    "Java 17 is required for the local Kafka and Cassandra servers (Cassandra 5.0 does not run on Java 24+). " +
      "Install OpenJDK 17 (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set GEOANOMALY_JAVA_HOME to a JDK 17." +
      (seen.length > 0 ? ` Found only: ${seen.join(", ")}.` : ""),
  );
}

/** The `mvn` binary, or a clear error saying what to install. */
export function findMaven(candidate = serverEnvironment().mvn): string {
  try {
    execFileSync(candidate, ["-v"], { stdio: "ignore" });
    return candidate;
  } catch {
    throw new GeoAnomalyError(
      "MAVEN_MISSING",
      "Apache Maven is required to fetch the local Kafka and Cassandra jars from Maven Central. " +
        "Install it (Debian/Ubuntu: apt-get install maven) or set GEOANOMALY_MVN to its path.",
    );
  }
}

/** What differs between the JVM servers of a stack: GC pause goal, options, classpath, main. */
export interface JvmLaunch {
  /** G1's pause-time goal: short for the broker's latency, longer for Cassandra's throughput. */
  readonly gcPauseMs: number;
  /** Options beyond what every server gets. */
  readonly jvmOptions: readonly string[];
  readonly classpath: string;
  /** The main class, then its arguments. */
  readonly main: readonly string[];
}

/**
 * The process of one JVM server node: its kind's fixed heap (-Xms = -Xmx, so the node never grows
 * into its neighbours' memory), the G1 collector, an exit on OutOfMemoryError instead of a limping
 * node, run in its data folder with its console and pid in its own files.
 */
export function jvmProcess(
  javaBin: string,
  { node, paths, marker }: Pick<LocalServerDefinition, "node" | "paths" | "marker">,
  launch: JvmLaunch,
): ProcessSpec {
  const env = serverEnvironment();
  const heap = node.kind === "kafka" ? env.kafkaHeap : env.cassandraHeap;
  return {
    command: javaBin,
    args: [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      "-XX:+UseG1GC",
      `-XX:MaxGCPauseMillis=${launch.gcPauseMs}`,
      "-XX:+ExitOnOutOfMemoryError",
      ...launch.jvmOptions,
      "-cp",
      launch.classpath,
      ...launch.main,
    ],
    cwd: paths.data,
    consoleLog: paths.console,
    pidFile: paths.pidFile,
    marker,
  };
}
