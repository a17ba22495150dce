import { configuredLayout } from "../../src/config/layout.js";
import { describe, expect, it } from "vitest";
import { cassandraClient, createTestTopics } from "../support/helpers.js";
import { counter, counterWith, waitForCount } from "../support/wait.js";
import { produceEvents, startTestDetector, testConfig } from "../support/detector.js";
import { eventsAt } from "../support/events.js";

describe("re-consuming the same events", () => {
  it("creates no duplicate rows at any length, with the writes grouped by partition", async () => {
    const config = testConfig();
    await createTestTopics(config);
    const events = [...eventsAt("a", 35.68, 139.69, 40), ...eventsAt("b", -33.86, 151.2, 40)];
    await produceEvents(config, events);

    const first = await startTestDetector(config);
    await waitForCount(first, "geoanomaly_events_stored_total", 80);
    // The writes went out grouped by partition: fewer statements than rows.
    const statements = await counterWith(first, "geoanomaly_cassandra_statements_total", {
      operation: "write",
    });
    const rows = await counter(first, "geoanomaly_cassandra_rows_written_total");
    expect(rows).toBe(80 * configuredLayout(config).length);
    expect(statements).toBeLessThan(rows / 4);
    await first.stop();

    // A new consumer group starts from the earliest offset and reprocesses everything.
    const second = await startTestDetector({ ...config, groupId: `${config.groupId}.replay` });
    await waitForCount(second, "geoanomaly_events_stored_total", 80);

    const client = await cassandraClient(config.cassandraKeyspace);
    for (const { length } of configuredLayout(config)) {
      const rs = await client.execute(`SELECT id FROM events_l${length}`);
      const ids = rs.rows.map((r) => r["id"] as string);
      expect(ids, `length ${length}`).toHaveLength(80);
      expect(new Set(ids).size).toBe(80);
    }
    await client.execute(`DROP KEYSPACE ${config.cassandraKeyspace}`);
  });
});
