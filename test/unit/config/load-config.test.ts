import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { isGeoAnomalyError } from "../../../src/errors.js";

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isGeoAnomalyError(err, "CONFIG_INVALID")).toBe(true);
    return (err as Error).message;
  }
  throw new Error("expected a config error");
}

describe("loadConfig", () => {
  it("applies defaults, parses lists and numbers, and freezes the result", () => {
    const config = loadConfig({}, {});
    expect(config.kafkaBrokers).toEqual(["127.0.0.1:9092"]);
    expect(config.geohashLengths).toBe("auto");
    expect(config.searchK).toBe(50);
    expect(config.maxNeighbourDistanceM).toBe(25_000);
    expect(config.scorer).toBe("local");
    expect(config.minNeighbours).toBe(20);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("lets flags override environment variables, which override defaults", () => {
    const env = { SEARCH_K: "30", KAFKA_BROKERS: "a:1, b:2", SCORER: "zscore" };
    const config = loadConfig({ searchK: "40" }, env);
    expect(config.searchK).toBe(40);
    expect(config.kafkaBrokers).toEqual(["a:1", "b:2"]);
    expect(config.scorer).toBe("zscore");
  });

  it("names the setting, its variable, its flag and the bad value", () => {
    const message = failure(() => loadConfig({}, { SEARCH_K: "many" }));
    expect(message).toContain("SEARCH_K (--k)");
    expect(message).toContain('"many"');
    expect(failure(() => loadConfig({ scorer: "spiral" }, {}))).toContain("SCORER (--scorer)");
    expect(failure(() => loadConfig({}, { MAX_NEIGHBOUR_DISTANCE_M: "-5" }))).toContain(
      "MAX_NEIGHBOUR_DISTANCE_M",
    );
    expect(failure(() => loadConfig({}, { GEOHASH_LENGTHS: "auto,3" }))).toContain(
      "GEOHASH_LENGTHS",
    );
    expect(failure(() => loadConfig({}, { GEOHASH_LENGTHS: "1,2,2" }))).toContain(
      "GEOHASH_LENGTHS",
    );
    expect(failure(() => loadConfig({}, { GEOHASH_LENGTHS: "0,13" }))).toContain("GEOHASH_LENGTHS");
    expect(failure(() => loadConfig({}, { INPUT_TOPIC: "bad topic" }))).toContain("INPUT_TOPIC");
    expect(failure(() => loadConfig({}, { CASSANDRA_REPLICATION: "Simple:1" }))).toContain(
      "CASSANDRA_REPLICATION",
    );
    expect(failure(() => loadConfig({}, { METRICS_PORT: "70000" }))).toContain("METRICS_PORT");
  });

  it("reports every problem at once, and cross-field rules", () => {
    const message = failure(() => loadConfig({}, { SEARCH_K: "0", THRESHOLD: "-1" }));
    expect(message).toContain("SEARCH_K");
    expect(message).toContain("THRESHOLD");
    expect(failure(() => loadConfig({}, { SEARCH_K: "5", MIN_NEIGHBOURS: "10" }))).toContain(
      "MIN_NEIGHBOURS",
    );
    // A traffic basis whose hottest length-1 cell fills a partition in under a minute.
    const layout = failure(() =>
      loadConfig({}, { GEOHASH_LENGTHS: "1", LAYOUT_EVENTS_PER_SECOND: "1e8" }),
    );
    expect(layout).toContain("LAYOUT_EVENTS_PER_SECOND");
    expect(layout).toContain("under the 1-minute minimum bucket");
  });

  it("treats an empty environment variable as unset", () => {
    expect(loadConfig({}, { SEARCH_K: "" }).searchK).toBe(50);
  });
});
