import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CHILD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "fixtures",
  "bounded-stop-child.ts",
);

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lines: Record<string, unknown>[];
  readonly ms: number;
}

/** Runs the fixture in its own process (a watchdog kills its whole process). */
function run(mode: string, timeoutMs = 400): Promise<Ended> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, mode, String(timeoutMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  // A stop nothing bounds would hang the test: kill it well past every deadline, so it fails.
  const limit = setTimeout(() => child.kill("SIGTERM"), 15_000);
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  return new Promise((resolve) =>
    child.once("close", (code, signal) => {
      clearTimeout(limit);
      resolve({
        code,
        signal,
        ms: Date.now() - t0,
        lines: out
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      });
    }),
  );
}

describe("a bounded stop (deadline 400 ms, watchdog 300 ms after it)", () => {
  it("exits 0 without a report when the stop finishes: neither deadline holds the process", async () => {
    const r = await run("finish");
    expect(r).toMatchObject({ code: 0, signal: null, lines: [] });
  });

  it("exits 1 on the deadline, naming the step, when a close never answers", async () => {
    const r = await run("hang");
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({
      step: "finishing in-flight batches and leaving the consumer group",
      timeoutMs: 400,
    });
    expect(String(r.lines[0]?.msg)).toMatch(/SHUTDOWN_TIMEOUT_MS=400/);
  });

  it("is killed by the watchdog, with a log line, when the stop never yields the main thread", async () => {
    const r = await run("spin");
    expect(r.signal).toBe("SIGKILL");
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({
      level: 60,
      component: "stop-watchdog",
      step: "finishing in-flight batches and leaving the consumer group",
      timeoutMs: 400,
    });
    expect(String(r.lines[0]?.msg)).toMatch(/SIGKILL.*redelivered/);
    // The main thread's deadline could not fire: its loop had stopped turning well before.
    expect(Number(r.lines[0]?.stalledMs)).toBeGreaterThan(300);
    expect(r.ms).toBeLessThan(400 + 300 + 5_000); // bounded: deadline, grace, start-up
  });

  // kafkajs's race takes about 0.5 s to set up, so its stop gets 1.5 s before the deadline.
  // Unpatched, its fetch manager rebuilt fetchers nobody stopped and the watchdog killed it.
  it("exits 0 on its own when kafkajs's fetch manager is stopped during a fetcher rebuild (patched kafkajs)", async () => {
    const r = await run("kafkajs", 1_500);
    expect(r).toMatchObject({ code: 0, signal: null, lines: [] });
  });
});
