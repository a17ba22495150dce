/**
 * The faults, injected one at a time into a running group under a steady feed. Each returns when
 * its damage is done and repaired (a node restarted, a replacement detector ready); the caller
 * then waits for the group to catch up and measures.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Rng } from "../src/synthetic/random.js";
import type { DetectorGroup } from "./detectors.js";
import { CliStack } from "./stack.js";

export interface FaultContext {
  readonly stack: CliStack;
  readonly detectors: DetectorGroup;
  readonly rng: Rng;
  /** Detectors the group runs with (a supervisor keeps it at this size). */
  groupSize: number;
  /** How long a killed node stays down. */
  readonly downMs: number;
}

export interface FaultMarks {
  readonly faultAtMs: number;
  /** When the repair (restart, replacement) was complete. */
  readonly restoredAtMs?: number;
  readonly detail: string;
}

export interface Fault {
  readonly name: string;
  readonly title: string;
  /** A node of a three-node cluster: progress must go on while it is down. */
  readonly replicated: boolean;
  inject(ctx: FaultContext): Promise<FaultMarks>;
}

const between = (rng: Rng, loMs: number, hiMs: number): number => loMs + rng.next() * (hiMs - loMs);

export const baseline: Fault = {
  name: "baseline",
  title: "no fault (reference)",
  replicated: false,
  async inject() {
    const faultAtMs = Date.now();
    await sleep(20_000);
    return { faultAtMs, detail: "steady feed, nothing injected" };
  },
};

export function detectorKill(n: number): Fault {
  return {
    name: `detector-kill-${n}`,
    title: `detector SIGKILL #${n}`,
    replicated: false,
    async inject(ctx) {
      await sleep(between(ctx.rng, 2_000, 15_000));
      const victim = ctx.rng.pick(ctx.detectors.alive);
      const faultAtMs = Date.now();
      await ctx.detectors.kill(victim);
      await ctx.detectors.keep(ctx.groupSize);
      return {
        faultAtMs,
        restoredAtMs: Date.now(),
        detail: `${victim.name} killed; a replacement started at once`,
      };
    },
  };
}

export const detectorAdd: Fault = {
  name: "detector-add",
  title: "a detector added (rebalance)",
  replicated: false,
  async inject(ctx) {
    await sleep(5_000);
    const faultAtMs = Date.now();
    const d = await ctx.detectors.add();
    ctx.groupSize += 1;
    return { faultAtMs, restoredAtMs: Date.now(), detail: `${d.name} joined` };
  },
};

export const detectorRemove: Fault = {
  name: "detector-remove",
  title: "a detector removed with SIGTERM (rebalance)",
  replicated: false,
  async inject(ctx) {
    await sleep(5_000);
    const victim = ctx.rng.pick(ctx.detectors.alive);
    const faultAtMs = Date.now();
    ctx.groupSize -= 1;
    const code = await ctx.detectors.stop(victim);
    return { faultAtMs, restoredAtMs: Date.now(), detail: `${victim.name} stopped, exit ${code}` };
  },
};

function nodeKill(kind: "kafka" | "cassandra", nodes: number, replicated: boolean): Fault {
  const what = kind === "kafka" ? "Kafka broker" : "Cassandra node";
  return {
    name: `${kind}-kill${nodes > 1 ? "" : "-single"}`,
    title:
      nodes > 1
        ? `SIGKILL of one ${what} of ${nodes}, then restart`
        : `SIGKILL of the only ${what}, then restart`,
    replicated,
    async inject(ctx) {
      await sleep(5_000);
      const node = `${kind}-${1 + ctx.rng.int(nodes)}`;
      const faultAtMs = Date.now();
      await ctx.stack.servers("kill", node);
      await sleep(ctx.downMs);
      const started = await ctx.stack.servers("start", node);
      const ready = Object.values(CliStack.readySeconds(started.output))[0];
      return {
        faultAtMs,
        restoredAtMs: Date.now(),
        detail: `${node} down ${(ctx.downMs / 1000).toFixed(0)} s, answered ${ready?.toFixed(1) ?? "?"} s after its restart`,
      };
    },
  };
}

export const cassandraNodeKill = nodeKill("cassandra", 3, true);
export const kafkaBrokerKill = nodeKill("kafka", 3, true);
export const singleKafkaKill = nodeKill("kafka", 1, false);
export const singleCassandraKill = nodeKill("cassandra", 1, false);
