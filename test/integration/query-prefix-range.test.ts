import { describe, expect, it } from "vitest";
import { PrefixRangeEventReader } from "../../src/cassandra/prefix-range-reader.js";
import { cellsInBox } from "../../src/domain/cover.js";
import {
  counter,
  createTestTopics,
  produceEvents,
  startTestDetector,
  testConfig,
  waitFor,
} from "../support/detector.js";
import {
  eventsIn,
  getJson,
  inBox,
  startTestQueryApp,
  dropKeyspaceAfterTest,
} from "../support/query.js";

type Bbox = readonly [number, number, number, number];

describe("query API over the prefix-range model (merged cell ranges)", () => {
  it("answers /v1/events exactly from ranges of the geohash order, and refuses clusters", async () => {
    const config = testConfig({ dataModel: "prefix-range" });
    await createTestTopics(config);
    dropKeyspaceAfterTest(config);
    const detector = await startTestDetector(config);
    const t0 = Date.now() - 5 * 60_000;
    const known = [
      ...eventsIn("lyon", { south: 45.6, west: 4.7, north: 45.9, east: 5.0 }, 120, t0, 11),
      ...eventsIn("france", { south: 43, west: -1, north: 50, east: 7 }, 80, t0 + 1, 12),
      ...eventsIn(
        "fiji",
        { south: -17.8, west: 179.3, north: -16.2, east: -179.3 },
        60,
        t0 + 2,
        13,
      ),
    ];
    await produceEvents(config, known);
    await waitFor(
      `${known.length} events stored`,
      async () => (await counter(detector, "geoanomaly_events_stored_total")) >= known.length,
    );
    const api = await startTestQueryApp(config);
    const window = `from=${t0 - 60_000}&to=${Date.now() + 60_000}`;
    const boxes: Bbox[] = [
      [4.75, 45.65, 4.95, 45.85],
      [-1, 43, 7, 50],
      [179.5, -18, -179.5, -16],
    ];
    for (const box of boxes) {
      const { status, body } = await getJson<{ events: { id: string }[]; length: number }>(
        api,
        `/v1/events?bbox=${box.join(",")}&${window}&limit=10000`,
      );
      expect(status).toBe(200);
      const expected = known
        .filter((e) => inBox(e, box))
        .map((e) => e.id)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(body.events.map((e) => e.id).sort(), box.join(",")).toEqual(expected);
      // The read merged the cover into fewer ranges than cells.
      const [west, south, east, north] = box;
      const cells = cellsInBox({ south, west, north, east }, body.length).map((c) => c.hash);
      expect(PrefixRangeEventReader.ranges(cells).length).toBeLessThan(cells.length);
    }
    const clusters = await getJson<{ code: string; message: string }>(
      api,
      `/v1/clusters?bbox=4,45,5,46&zoom=8&${window}`,
    );
    expect(clusters.status).toBe(400);
    expect(clusters.body.message).toMatch(/DATA_MODEL=table-per-length/);
  });
});
