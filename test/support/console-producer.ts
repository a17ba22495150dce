import { spawn } from "node:child_process";
import path from "node:path";
import { ensureJars } from "../../src/servers/jars.js";
import { findJava17, findMaven } from "../../src/servers/java.js";
import { serverPaths, stateDir } from "../../src/servers/paths.js";

/** Codecs Kafka's own producer offers (`compression.type`). */
export type JavaCodec = "none" | "gzip" | "snappy" | "lz4" | "zstd";

/**
 * Produces lines with Kafka's own console producer (the Java client of the Kafka jars the local
 * servers run from, fetched if missing), compressed with `codec`: a producer that is not kafkajs,
 * as most production producers are not. Resolves once it exits 0, its lines flushed (a failed send
 * is only logged by the tool: callers check what arrived).
 */
export async function consoleProduce(
  brokers: readonly string[],
  topic: string,
  codec: JavaCodec,
  lines: readonly string[],
): Promise<void> {
  const java = findJava17();
  const paths = serverPaths({ kind: "kafka", dirName: "kafka" }, stateDir());
  ensureJars(paths, findMaven(), java);
  const args = [
    "-cp",
    path.join(paths.lib, "*"),
    "kafka.tools.ConsoleProducer",
    "--bootstrap-server",
    brokers.join(","),
    "--topic",
    topic,
    "--compression-codec",
    codec,
    "--request-required-acks",
    "all",
    // One batch per run where it fits: the codec applies per batch.
    "--producer-property",
    "linger.ms=200",
    "--producer-property",
    "batch.size=1000000",
  ];
  const child = spawn(java, args, { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(`${lines.join("\n")}\n`);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0)
    throw new Error(`console producer (${codec}) exited ${code}:\n${stderr.slice(-2000)}`);
}
