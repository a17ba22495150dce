import { describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";
import { counter, waitFor } from "../support/wait.js";
import { alertIds, eventsAt, oneEvent } from "../support/events.js";
import { produceAndAwaitChecks, startAlertingDetector, testConfig } from "../support/detector.js";

describe("detector end to end", () => {
  it("alerts an injected anomaly among normal events at the same place, and no normal value", async () => {
    const config = testConfig();
    const { detector: app, alerts } = await startAlertingDetector(config);

    const normals = eventsAt("normal", 48.8566, 2.3522, 80);
    await produceAndAwaitChecks(config, app, normals);

    const t = Date.now() - 30_000;
    const anomaly = oneEvent("spike-1", [48.85661, 2.35221], 35, t);
    const dip = oneEvent("dip-1", [48.85659, 2.35219], 5, t + 1);
    const later = eventsAt("later", 48.8566, 2.3522, 20, 20, t + 10);
    await produceAndAwaitChecks(config, app, [anomaly, dip, ...later], 102);
    await waitFor("two alerts", () => alerts.length >= 2, 20_000);
    // Give a stray false alert the chance to arrive before asserting there is none.
    await new Promise((r) => setTimeout(r, 1500));

    const parsed = alerts.map((m) => JSON.parse(m.value?.toString() ?? "{}") as AnomalyAlert);
    expect(parsed.map((a) => a.event.id).sort()).toEqual(["dip-1", "spike-1"]);
    const spike = parsed.find((a) => a.event.id === "spike-1");
    expect(spike?.direction).toBe("high");
    expect(spike?.scorer).toBe(config.scorer);
    expect(spike?.neighbours.count).toBe(50);
    expect(spike?.neighbours.maxDistanceMeters).toBeLessThan(20);
    expect(spike?.search.outcome).toBe("complete");
    expect(spike?.expected).toBeGreaterThan(19);
    expect(spike?.expected).toBeLessThan(21);
    expect(Math.abs(spike?.score ?? 0)).toBeGreaterThan(config.threshold);
    expect(spike?.search.maxDistanceMeters).toBe(config.maxNeighbourDistanceM);
    expect(spike?.region).toHaveLength(config.alertKeyLength);
    expect(alerts[0]?.key?.toString()).toBe("u09");
    expect(parsed.find((a) => a.event.id === "dip-1")?.direction).toBe("low");
    expect(await counter(app, "geoanomaly_anomalies_total")).toBe(2);
    expect(await counter(app, "geoanomaly_events_stored_total")).toBe(102);
  });

  it("says insufficient, never alerts, for an isolated place far from every other one", async () => {
    const config = testConfig();
    const { detector: app, alerts } = await startAlertingDetector(config);
    // A dense city, then a wild value 180 km south of it (beyond the 25 km bound) and a spike
    // inside the city: only the city's spike is an anomaly anyone can vouch for.
    const t = Date.now() - 60_000;
    await produceAndAwaitChecks(config, app, eventsAt("city", 48.8566, 2.3522, 80, 20, t));
    const noHistory = async (): Promise<number> => {
      const { values } = await app.metrics.instruments.insufficient.get();
      return values.find((v) => v.labels["reason"] === "no_history")?.value ?? 0;
    };
    const before = await noHistory();
    const isolated = oneEvent("iso-1", [47.24, 2.3522], 95, t + 5_000);
    const spike = oneEvent("spike-2", [48.85662, 2.35222], 40, t + 5_001);
    await produceAndAwaitChecks(config, app, [isolated, spike], 82);
    await waitFor("the spike alerted", () => alerts.length >= 1, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(alertIds(alerts)).toEqual(["spike-2"]);
    // The isolated event is the one check since the city that found nobody within the bound.
    expect((await noHistory()) - before).toBe(1);
  });
});
