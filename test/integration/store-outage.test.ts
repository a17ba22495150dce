import { describe, expect, it } from "vitest";
import { applySchema } from "../../src/cassandra/schema.js";
import { configuredLayout } from "../../src/config/layout.js";
import { cassandraClient } from "../support/helpers.js";
import { counter, waitForCount } from "../support/wait.js";
import { produceEvents, startOwnDetector, testConfig } from "../support/detector.js";
import { eventsAt } from "../support/events.js";

describe("a store outage", () => {
  it("pauses the partition instead of skipping events, and resumes when the store answers again", async () => {
    const config = testConfig({
      topicPartitions: "1",
      retryAttempts: "1",
      retryInitialMs: "50",
      retryMaxMs: "500",
    });
    const app = await startOwnDetector(config);
    const client = await cassandraClient();
    await produceEvents(config, eventsAt("before", 10, 10, 20));
    await waitForCount(app, "geoanomaly_events_stored_total", 20);

    // Take one length's table away: every write of the next events fails.
    await client.execute(`DROP TABLE ${config.cassandraKeyspace}.events_l5`);
    await produceEvents(config, eventsAt("during", 10, 10, 30));
    await waitForCount(app, "geoanomaly_partition_pauses_total", 1, 30_000);
    const storedWhileDown = await counter(app, "geoanomaly_events_stored_total");
    await new Promise((r) => setTimeout(r, 1500));
    expect(await counter(app, "geoanomaly_checks_total")).toBeLessThan(50);

    // The store comes back: the paused partition resumes from the first unfinished event.
    await applySchema(
      client,
      configuredLayout(config),
      config.cassandraKeyspace,
      config.cassandraReplication,
    );
    await waitForCount(app, "geoanomaly_checks_total", 50, 60_000);

    const rs = await client.execute(`SELECT id FROM ${config.cassandraKeyspace}.events_l5`);
    const ids = new Set(rs.rows.map((r) => r["id"] as string));
    for (let i = 0; i < 30; i++) expect(ids.has(`during-${String(i).padStart(4, "0")}`)).toBe(true);
    expect(storedWhileDown).toBeLessThanOrEqual(20);
    await client.execute(`DROP KEYSPACE ${config.cassandraKeyspace}`);
  });
});
