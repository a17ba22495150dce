/**
 * What the commit-log measurement compares: Cassandra commit log modes and mutation thread
 * counts (the variants), on private local stacks (a single node, and a 3-node RF 3 cluster)
 * that run beside everyone else's servers on loopback addresses of their own.
 */
import path from "node:path";
import { REPO_ROOT } from "../../src/servers/paths.js";
import {
  COMMITLOG_SYNCS,
  MAX_CONCURRENT_WRITES,
  type CommitlogSync,
} from "../../src/servers/topology.js";

/** One Cassandra configuration under test. */
export interface Variant {
  readonly commitlogSync: CommitlogSync;
  readonly concurrentWrites: number;
}

/** E.g. "group/32": mode and concurrent_writes. */
export function variantLabel(v: Variant): string {
  return `${v.commitlogSync}/${v.concurrentWrites}`;
}

/** Parses "group:32,periodic:32" (mode:concurrent_writes); throws naming the bad item. */
export function parseVariants(raw: string): Variant[] {
  const out = raw.split(",").map((item) => {
    const [mode, writes, ...rest] = item.trim().split(":");
    const sync = COMMITLOG_SYNCS.find((m) => m === mode);
    const n = Number(writes);
    if (
      sync === undefined ||
      rest.length > 0 ||
      !/^\d+$/.test(writes ?? "") ||
      n < 1 ||
      n > MAX_CONCURRENT_WRITES
    ) {
      throw new RangeError(
        `variant ${JSON.stringify(item)} must be mode:threads, mode one of ${COMMITLOG_SYNCS.join(", ")}, threads 1..${MAX_CONCURRENT_WRITES}`,
      );
    }
    return { commitlogSync: sync, concurrentWrites: n };
  });
  const labels = out.map(variantLabel);
  if (new Set(labels).size !== labels.length) throw new RangeError(`variants repeat: ${raw}`);
  return out;
}

export type StackName = "single" | "cluster";

/** A private stack: its state folder, loopback offset and shape. */
export interface StackSpec {
  readonly name: StackName;
  readonly root: string;
  readonly loopbackOffset: number;
  readonly cassandraNodes: number;
  /** Cassandra nodes SIGKILLed in each lost-writes scenario of this stack. */
  readonly killScenarios: readonly KillScenario[];
}

export interface KillScenario {
  readonly name: "kill-single" | "kill-one" | "kill-all";
  /** Node names as `servers kill` takes them. */
  readonly nodes: readonly string[];
  /** Seconds of writing after the kill (the survivors still acknowledge on a cluster). */
  readonly writeSecondsAfterKill: number;
}

/** The two stacks, in git-ignored state folders of their own (offsets 20 and 30). */
export function stackSpec(name: StackName): StackSpec {
  const root = (dir: string): string => path.join(REPO_ROOT, ".local", dir);
  return name === "single"
    ? {
        name,
        root: root("commitlog-single"),
        loopbackOffset: 20,
        cassandraNodes: 1,
        killScenarios: [{ name: "kill-single", nodes: ["cassandra-1"], writeSecondsAfterKill: 0 }],
      }
    : {
        name,
        root: root("commitlog-cluster"),
        loopbackOffset: 30,
        cassandraNodes: 3,
        killScenarios: [
          { name: "kill-one", nodes: ["cassandra-2"], writeSecondsAfterKill: 3 },
          {
            name: "kill-all",
            nodes: ["cassandra-1", "cassandra-2", "cassandra-3"],
            writeSecondsAfterKill: 0,
          },
        ],
      };
}
