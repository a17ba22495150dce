import { spawn, type ChildProcess } from "node:child_process";
import type cassandra from "cassandra-driver";
import { once } from "node:events";
import path from "node:path";
import { configuredLayout } from "../../src/config/layout.js";
import { describe, expect, it, onTestFinished } from "vitest";
import type { Config } from "../../src/config/load.js";
import { SETTINGS, type SettingKey } from "../../src/config/settings.js";
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";
import { REPO_ROOT } from "../../src/servers/paths.js";
import { cassandraClient, createTestTopics } from "../support/helpers.js";
import { collectTopic, produceEvents, testConfig } from "../support/detector.js";
import { eventsAt } from "../support/events.js";
import { waitFor } from "../support/wait.js";

/** The detector as its own process, configured through environment variables like a deployment. */
function spawnDetector(config: Config): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const value = config[key];
    env[SETTINGS[key].env] = Array.isArray(value) ? value.join(",") : String(value);
  }
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(REPO_ROOT, "test/support/run-cli.ts"), "detect"],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  onTestFinished(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return child;
}

/** Ids stored at one length; empty until the detector has created the schema. */
async function storedIds(
  client: cassandra.Client,
  config: Config,
  length: number,
): Promise<Set<string>> {
  try {
    const rs = await client.execute(
      `SELECT id FROM ${config.cassandraKeyspace}.events_l${length}`,
      [],
      { fetchSize: 10_000 },
    );
    return new Set(rs.rows.map((r) => r["id"] as string));
  } catch (err) {
    if (/does not exist|unconfigured table|Unknown CF/i.test(String(err))) return new Set();
    throw err;
  }
}

describe("a detector killed with SIGKILL mid-stream", () => {
  it("loses nothing once restarted: every event stored at every length, every anomaly alerted", async () => {
    const config = testConfig({ concurrency: "8" });
    // The coarsest stored length: its table is where progress is counted.
    const coarsest = configuredLayout(config).at(-1)?.length ?? 1;
    const client = await cassandraClient();
    await createTestTopics(config);
    const alerts = await collectTopic(config, config.alertTopic);
    const places = [
      [51.5072, -0.1276],
      [40.7128, -74.006],
      [-23.5505, -46.6333],
      [1.3521, 103.8198],
    ] as const;
    const start = Date.now() - 120_000;
    // A history at each place, so every later anomaly has neighbours.
    const history = places.flatMap(([lat, lon], p) => eventsAt(`h${p}`, lat, lon, 60, 20, start));
    const stream = places.flatMap(([lat, lon], p) =>
      eventsAt(`s${p}`, lat, lon, 150, 20, start + 5_000),
    );
    const anomalies = places.flatMap(([lat, lon], p) =>
      [0, 1, 2].map((j) => ({
        id: `anomaly-${p}-${j}`,
        lat,
        lon,
        value: j % 2 === 0 ? 60 : -20,
        time: new Date(start + 4_000 + j).toISOString(),
      })),
    );
    await produceEvents(config, history);

    const first = spawnDetector(config);
    await waitFor(
      "history stored",
      async () => (await storedIds(client, config, coarsest)).size >= history.length,
      90_000,
    );
    // The stream, with anomalies spread through it, then kill the detector while it works.
    const mixed = [...stream];
    anomalies.forEach((a, i) => mixed.splice(40 + i * 40, 0, a));
    await produceEvents(config, mixed);
    await waitFor(
      "part of the stream stored",
      async () => (await storedIds(client, config, coarsest)).size >= history.length + 100,
      60_000,
    );
    first.kill("SIGKILL");
    await once(first, "exit");
    const storedAtKill = (await storedIds(client, config, coarsest)).size;

    const second = spawnDetector(config);
    const all = [...history, ...mixed].map((e) => e.id);
    await waitFor(
      "every event stored after the restart",
      async () => (await storedIds(client, config, coarsest)).size >= all.length,
      120_000,
    );
    const anomalyIds = anomalies.map((a) => a.id).sort();
    const alerted = (): string[] =>
      [
        ...new Set(
          alerts.map((m) => (JSON.parse(m.value?.toString() ?? "{}") as AnomalyAlert).event.id),
        ),
      ].sort();
    await waitFor(
      "every anomaly alerted",
      () => anomalyIds.every((id) => alerted().includes(id)),
      60_000,
    );
    second.kill("SIGTERM");
    const [code] = (await once(second, "exit")) as [number | null];

    expect(storedAtKill).toBeLessThan(all.length);
    for (const { length } of configuredLayout(config)) {
      const ids = await storedIds(client, config, length);
      expect(
        all.filter((id) => !ids.has(id)),
        `missing at length ${length}`,
      ).toEqual([]);
    }
    expect(alerted()).toEqual(anomalyIds);
    expect(code).toBe(0);
    await client.execute(`DROP KEYSPACE ${config.cassandraKeyspace}`);
  });
});
