import { describe, expect, it } from "vitest";
import { DLQ_HEADERS } from "../../src/kafka/dead-letter-sink.js";
import { cassandraClient } from "../support/helpers.js";
import { collectTopic, produceRaw, startOwnDetector, testConfig } from "../support/detector.js";
import { counter, waitFor, waitForCount } from "../support/wait.js";

describe("malformed input", () => {
  it("goes to the dead-letter topic with its reason while the valid events around it are processed", async () => {
    const config = testConfig({ topicPartitions: "1" });
    const app = await startOwnDetector(config);
    const dead = await collectTopic(config, config.deadLetterTopic);
    const now = Date.now();
    const valid = (id: string): string =>
      JSON.stringify({ id, lat: 10, lon: 20, value: 1, time: now - 1000 });
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37]);
    const oversized = JSON.stringify({
      id: "big",
      lat: 1,
      lon: 1,
      value: 1,
      pad: "x".repeat(100_000),
    });
    await produceRaw(config, [
      { value: valid("ok-1") },
      { value: "this is not json" },
      { value: valid("ok-2") },
      { value: garbage },
      { value: JSON.stringify({ id: "bad-lat", lat: 123, lon: 1, value: 1 }) },
      { value: valid("ok-3") },
      { value: oversized },
      { value: JSON.stringify({ id: "no-value", lat: 1, lon: 1 }) },
      { value: null },
      { value: valid("ok-4") },
      // Odd keys and headers travel with the dead letter byte for byte.
      {
        key: Buffer.from([0x00, 0xff, 0xc3, 0x28]),
        value: garbage,
        headers: {
          trace: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]),
          latin: Buffer.from("café", "latin1"),
          big: "h".repeat(50_000),
        },
      },
    ]);
    await waitFor("7 dead letters", () => dead.length >= 7);
    await waitForCount(app, "geoanomaly_events_stored_total", 4);

    const reasons = dead.map((m) => [
      m.headers?.[DLQ_HEADERS.offset]?.toString(),
      m.headers?.[DLQ_HEADERS.reason]?.toString(),
    ]);
    expect(reasons).toEqual([
      ["1", "not_json"],
      ["3", "not_utf8"],
      ["4", "bad_lat"],
      ["6", "too_large"],
      ["7", "bad_value"],
      ["8", "empty"],
      ["10", "not_utf8"],
    ]);
    const odd = dead[6];
    expect(odd?.key).toEqual(Buffer.from([0x00, 0xff, 0xc3, 0x28]));
    expect(odd?.headers?.["trace"]).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]));
    expect(odd?.headers?.["latin"]).toEqual(Buffer.from("café", "latin1"));
    expect(odd?.headers?.["big"]?.length).toBe(50_000);
    expect(dead[1]?.value).toEqual(garbage);
    // Bounded: the first 64 KiB, with a header saying so and how large the original was.
    expect(dead[3]?.value).toEqual(Buffer.from(oversized).subarray(0, 65_536));
    expect(dead[3]?.headers?.[DLQ_HEADERS.truncated]?.toString()).toBe("value");
    expect(dead[3]?.headers?.[DLQ_HEADERS.originalSize]?.toString()).toBe(
      String(Buffer.byteLength(oversized)),
    );
    expect(dead[1]?.headers?.[DLQ_HEADERS.truncated]).toBeUndefined();
    expect(dead[0]?.headers?.[DLQ_HEADERS.topic]?.toString()).toBe(config.inputTopic);
    expect(dead[0]?.headers?.[DLQ_HEADERS.partition]?.toString()).toBe("0");
    expect(dead[2]?.headers?.[DLQ_HEADERS.detail]?.toString()).toMatch(/lat/);

    const client = await cassandraClient(config.cassandraKeyspace);
    const rows = await client.execute("SELECT id FROM events_l8");
    expect(rows.rows.map((r) => r["id"] as string).sort()).toEqual([
      "ok-1",
      "ok-2",
      "ok-3",
      "ok-4",
    ]);
    expect(await counter(app, "geoanomaly_dead_letters_total")).toBe(7);
    await client.execute(`DROP KEYSPACE ${config.cassandraKeyspace}`);
  });
});
