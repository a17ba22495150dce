import { describe, expect, it } from "vitest";
import { modelStoreFactory } from "../../bench/models/model-store.js";
import { RequestBudget } from "../../src/query/budget.js";
import { PrefixRangeEventReader } from "../../bench/models/prefix-range-reader.js";
import { CassandraAlertStore } from "../../src/cassandra/alert-store.js";
import { cellsInBox } from "../../src/domain/cover.js";
import { encode } from "../../src/domain/geo.js";
import { queryEvents } from "../../src/query/events-query.js";
import type { QueryContext } from "../../src/query/context.js";
import { cassandraClient } from "../support/helpers.js";
import { openTestDetector, testConfig } from "../support/detector.js";
import { eventsIn, inBox } from "../support/query.js";

type Bbox = readonly [number, number, number, number];

describe("box queries over the prefix-range model (the source notes' merged cell ranges)", () => {
  it("answers events exactly from ranges of the geohash order, reading fewer ranges than cells", async () => {
    const config = testConfig();
    const { store, layout } = await openTestDetector(config, modelStoreFactory("prefix-range"));
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
    await Promise.all(
      known.map((e) =>
        store.write(
          { id: e.id, lat: e.lat, lon: e.lon, value: e.value, timeMs: Date.parse(e.time) },
          encode(e.lat, e.lon, 8),
        ),
      ),
    );
    const client = await cassandraClient();
    const ctx: QueryContext = {
      layout,
      events: new PrefixRangeEventReader(client, config.cassandraKeyspace, layout),
      alerts: new CassandraAlertStore(client, config.cassandraKeyspace),
      maxPartitions: config.apiMaxPartitions,
      now: Date.now,
    };
    const boxes: Bbox[] = [
      [4.75, 45.65, 4.95, 45.85],
      [-1, 43, 7, 50],
      [179.5, -18, -179.5, -16],
    ];
    for (const box of boxes) {
      const [west, south, east, north] = box;
      const answer = await queryEvents(ctx, {
        box: { south, west, north, east },
        window: { fromMs: t0 - 60_000, toMs: Date.now() + 60_000 },
        limit: 10_000,
        budget: new RequestBudget({ maxRows: 1e9, timeoutMs: 60_000 }, undefined),
      });
      const expected = known
        .filter((e) => inBox(e, box))
        .map((e) => e.id)
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(answer.events.map((e) => e.id).sort(), box.join(",")).toEqual(expected);
      const cells = cellsInBox({ south, west, north, east }, answer.length).map((c) => c.hash);
      expect(PrefixRangeEventReader.ranges(cells).length).toBeLessThan(cells.length);
    }
  });
});
