import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cassandraYaml, describeRunningSettings } from "../../../src/servers/cassandra-config.js";
import { serverPaths, topologyFile } from "../../../src/servers/paths.js";
import {
  commitlogChangeProblem,
  recordedTopology,
  recordTopology,
  resolveTopology,
} from "../../../src/servers/stack.js";
import {
  defaultCommitlogSync,
  describeCommitlog,
  nodeRef,
  SINGLE_NODE,
  topologyProblems,
  type Topology,
} from "../../../src/servers/topology.js";

const tmp = (): string => mkdtempSync(path.join(tmpdir(), "geoanomaly-commitlog-"));
const cluster: Topology = { ...SINGLE_NODE, kafkaBrokers: 3, cassandraNodes: 3 };

function yamlFor(t: Topology): string {
  const node = nodeRef("cassandra", 1, t);
  return cassandraYaml(serverPaths(node, "/state"), {
    host: node.host,
    seeds: [node.host],
    clusterNodes: t.cassandraNodes,
    commitlogSync: t.commitlogSync,
    concurrentWrites: t.concurrentWrites,
  });
}

describe("the Cassandra commit log of a local stack", () => {
  it("syncs before acknowledging where one copy is all there is, and periodically on RF 3", () => {
    expect([1, 2, 3, 9].map(defaultCommitlogSync)).toEqual([
      "group",
      "group",
      "periodic",
      "periodic",
    ]);
    expect(resolveTopology(tmp(), {}, undefined).commitlogSync).toBe("group");
    expect(resolveTopology(tmp(), { cassandraNodes: 3 }, undefined).commitlogSync).toBe("periodic");
    expect(
      resolveTopology(tmp(), { cassandraNodes: 3, commitlogSync: "group" }, undefined)
        .commitlogSync,
    ).toBe("group");
  });

  it("writes the mode and the mutation threads into cassandra.yaml", () => {
    const group = yamlFor({ ...SINGLE_NODE, concurrentWrites: 128 });
    expect(group).toContain("commitlog_sync: group\ncommitlog_sync_group_window: 2ms\n");
    expect(group).toContain("concurrent_writes: 128\n");
    expect(group).not.toContain("commitlog_sync_period");
    const periodic = yamlFor({ ...cluster, commitlogSync: "periodic" });
    expect(periodic).toContain("commitlog_sync: periodic\ncommitlog_sync_period: 10000ms\n");
    expect(periodic).toContain("concurrent_writes: 32\n");
    expect(periodic).not.toContain("group_window");
    // Every key on a line of its own: 5.0 refuses the file otherwise.
    expect(periodic).toMatch(/\ncommitlog_sync_period: 10000ms\ndata_file_directories:\n/);
  });

  it("keeps the recorded settings, takes a request's, and gives an old record its default", () => {
    const root = tmp();
    recordTopology(root, { ...cluster, commitlogSync: "group", concurrentWrites: 64 });
    expect(resolveTopology(root, {}, undefined)).toMatchObject({
      commitlogSync: "group",
      concurrentWrites: 64,
    });
    expect(resolveTopology(root, { commitlogSync: "periodic" }, undefined)).toMatchObject({
      commitlogSync: "periodic",
      concurrentWrites: 64,
    });
    const old = tmp();
    writeFileSync(
      topologyFile(old),
      JSON.stringify({ kafkaBrokers: 1, cassandraNodes: 3, secure: false, loopbackOffset: 0 }),
    );
    expect(recordedTopology(old)).toMatchObject({
      commitlogSync: "periodic",
      concurrentWrites: 32,
    });
  });

  it("changes the settings of a stopped stack without a reset, never under running nodes", () => {
    const root = tmp();
    recordTopology(root, SINGLE_NODE);
    const wanted = resolveTopology(root, { commitlogSync: "periodic" }, undefined);
    expect(commitlogChangeProblem(SINGLE_NODE, wanted, [])).toBeUndefined();
    expect(commitlogChangeProblem(SINGLE_NODE, SINGLE_NODE, ["cassandra-1"])).toBeUndefined();
    expect(commitlogChangeProblem(undefined, wanted, ["cassandra-1"])).toBeUndefined();
    const refused = commitlogChangeProblem(SINGLE_NODE, wanted, ["cassandra-1"]);
    expect(refused).toMatch(/cassandra-1 run with commit log group/);
    expect(refused).toMatch(/servers down/);
    expect(() => resolveTopology(root, { cassandraNodes: 3 }, undefined)).toThrow(/servers reset/);
  });

  it("rejects modes and thread counts Cassandra cannot run with, naming the flag", () => {
    expect(topologyProblems(SINGLE_NODE)).toEqual([]);
    const bad = { ...SINGLE_NODE, commitlogSync: "batch" } as unknown as Topology;
    expect(topologyProblems(bad).join()).toMatch(/--commitlog must be group or periodic/);
    expect(topologyProblems({ ...SINGLE_NODE, concurrentWrites: 0 }).join()).toMatch(
      /--concurrent-writes/,
    );
  });

  it("describes the settings the record holds and the ones a running node reports", () => {
    expect(describeCommitlog(SINGLE_NODE)).toBe(
      "commit log group (acknowledged after a sync, 2 ms window), concurrent_writes 32",
    );
    expect(describeCommitlog({ commitlogSync: "periodic", concurrentWrites: 128 })).toBe(
      "commit log periodic (acknowledged at once, synced every 10 s), concurrent_writes 128",
    );
    const running = new Map([
      ["commitlog_sync", "periodic"],
      ["commitlog_sync_period", "10000ms"],
      ["concurrent_writes", "32"],
    ]);
    expect(describeRunningSettings(running)).toBe(
      "commitlog_sync periodic (period 10000ms), concurrent_writes 32",
    );
    expect(describeRunningSettings(new Map())).toBeUndefined();
  });
});
