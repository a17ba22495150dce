import { describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";
import { eventsAt, oneEvent } from "../support/events.js";
import { produceEvents, testConfig } from "../support/detector.js";
import { waitFor } from "../support/wait.js";
import { startCheckedStack, startTestQueryApp } from "../support/query.js";
import { openSse } from "../support/sse-client.js";

const PARIS = "bbox=2.2,48.7,2.5,49.0";

/** A spike at the Paris neighbourhood the test fills with normal values. */
const spike = (id: string) => oneEvent(id, [48.85661, 2.35221], 42);

const idOf = (data: string) => (JSON.parse(data) as AnomalyAlert).event.id;

describe("the live alert stream against the real servers", () => {
  it("delivers an injected anomaly, resumes after a reconnect with Last-Event-ID without losing or repeating one, and bounds its connections", async () => {
    const config = testConfig({ apiStreamHeartbeatMs: "1000", apiStreamMaxClients: "2" });
    const normals = eventsAt("paris", 48.8566, 2.3522, 60, 20, Date.now() - 5 * 60_000);
    const { alerts: published, api } = await startCheckedStack(config, normals);
    await waitFor("the API's alert stream follows the topic", () => api.streamLive());
    const url = new URL(`/v1/alerts/stream?${PARIS}`, api.url);

    // Live: an anomaly injected after the client connects reaches it.
    const first = await openSse(url);
    expect(first.status).toBe(200);
    const elsewhere = await openSse(new URL("/v1/alerts/stream?bbox=-10,-10,-5,-5", api.url));
    await produceEvents(config, [spike("spike-1")]);
    const [one] = await first.waitForEvents(1);
    expect(one?.event).toBe("alert");
    expect(idOf(one?.data ?? "")).toBe("spike-1");
    expect(one?.data).toBe(published[0]?.value?.toString());
    expect(elsewhere.events).toEqual([]);
    await waitFor("a heartbeat", () => first.comments.length >= 1, 5000);

    // Two connections are the bound: a third is refused until one closes.
    const third = await openSse(url);
    expect(third.status).toBe(503);
    expect(third.headers.get("retry-after")).not.toBeNull();
    expect(third.refusal).toMatchObject({ code: "STREAM_BUSY" });
    elsewhere.close();

    // Away: two anomalies are published while the client is disconnected.
    first.close();
    await produceEvents(config, [spike("spike-2")]);
    await waitFor("spike-2's alert", () => published.length >= 2);
    await produceEvents(config, [spike("spike-3")]);
    await waitFor("spike-3's alert", () => published.length >= 3);

    // Back with the last id: the missed ones from the archive, then live, each once.
    const back = await openSse(url, { lastEventId: one?.id ?? "" });
    expect(back.status).toBe(200);
    await back.waitForEvents(2);
    await produceEvents(config, [spike("spike-4")]);
    await back.waitForEvents(3);
    await new Promise((r) => setTimeout(r, 1500));
    expect(back.events.map((e) => idOf(e.data))).toEqual(["spike-2", "spike-3", "spike-4"]);
    expect(back.events.map((e) => e.event)).toEqual(["alert", "alert", "alert"]);
    back.close();
  });

  it("answers 503 STREAM_UNAVAILABLE while Kafka cannot be reached, and the rest of the API serves", async () => {
    const config = testConfig({ kafkaBrokers: "127.0.0.1:1" });
    const api = await startTestQueryApp(config);
    const stream = await openSse(new URL(`/v1/alerts/stream?${PARIS}`, api.url));
    expect(stream.status).toBe(503);
    expect(stream.headers.get("retry-after")).not.toBeNull();
    expect(stream.refusal).toMatchObject({ code: "STREAM_UNAVAILABLE" });
    expect((await fetch(new URL("/openapi.json", api.url))).status).toBe(200);
    const stopping = Date.now();
    await api.stop();
    expect(Date.now() - stopping).toBeLessThan(15_000);
  });
});
