import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type { AnomalyAlert } from "../../../src/domain/detect/alert.js";
import { encodeCursor, streamKey } from "../../../src/domain/query/stream-cursor.js";
import { AlertHub, type AlertSource } from "../../../src/query/alert-hub.js";
import type { BoxRead } from "../../../src/query/ports.js";
import { openSse, type SseClient } from "../../support/sse-client.js";
import { apiOverFakes, NOW } from "./fixture.js";
import { sampleAlert } from "../../support/sample-alert.js";

class FakeSource implements AlertSource {
  deliver: (a: AnomalyAlert) => void = () => undefined;
  live = true;
  start(deliver: (a: AnomalyAlert) => void) {
    this.deliver = deliver;
    return Promise.resolve();
  }
  stop() {
    return Promise.resolve();
  }
}

const BOX = "bbox=2,48,3,49";
const paris = (id: string, detectedAfterMs: number) =>
  sampleAlert(id, 48.85, 2.35, NOW - 60_000, detectedAfterMs);

const opened: SseClient[] = [];
let app: FastifyInstance | undefined;
afterEach(async () => {
  for (const c of opened.splice(0)) c.close();
  await app?.close();
});

async function serve(opts: { archive?: AnomalyAlert[]; maxClients?: number; live?: boolean }) {
  const source = new FakeSource();
  source.live = opts.live ?? true;
  const hub = new AlertHub(source, 0);
  await hub.start();
  const reads: BoxRead[] = [];
  app = await apiOverFakes({
    alerts: {
      newestInBox: (read) => {
        reads.push(read);
        return Promise.resolve({ rows: opts.archive ?? [], truncated: false, partitions: 1 });
      },
    },
    stream: {
      hub,
      maxClients: opts.maxClients ?? 10,
      heartbeatMs: 1000,
      resumeLookbackMs: 300_000,
      futureSkewMs: 300_000,
    },
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const open = async (query = BOX, lastEventId?: string) => {
    const c = await openSse(
      `http://127.0.0.1:${port}/v1/alerts/stream?${query}`,
      lastEventId === undefined ? {} : { lastEventId },
    );
    opened.push(c);
    return c;
  };
  return { source, hub, reads, open };
}

describe("GET /v1/alerts/stream over a fake feed and archive", () => {
  it("streams each alert in the box as `event: alert` with the alert as data and a cursor id", async () => {
    const { source, open } = await serve({});
    const client = await open();
    expect(client.status).toBe(200);
    expect(client.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(client.headers.get("x-content-type-options")).toBe("nosniff");
    source.deliver(sampleAlert("lagos", 6.5, 3.4, NOW - 1000));
    const alert = paris("spike", 100);
    source.deliver(alert);
    const [event] = await client.waitForEvents(1, 5000);
    expect(event?.event).toBe("alert");
    expect(event?.data).toBe(JSON.stringify(alert));
    expect(event?.id).toBe(encodeCursor(streamKey(alert)));
  });

  it("resumes after Last-Event-ID from the archive, then live, without a repeat at the seam", async () => {
    const seen = paris("seen", 100);
    const missed = paris("missed", 200);
    const both = paris("both", 300);
    const { source, reads, open } = await serve({ archive: [both, missed, seen] });
    const client = await open(BOX, encodeCursor(streamKey(seen)));
    expect(client.status).toBe(200);
    await client.waitForEvents(2, 5000);
    source.deliver(both);
    source.deliver(paris("live", 400));
    const events = await client.waitForEvents(3, 5000);
    expect(events.map((e) => (JSON.parse(e.data) as AnomalyAlert).event.id)).toEqual([
      "missed",
      "both",
      "live",
    ]);
    source.deliver(paris("after", 500));
    await client.waitForEvents(4, 5000);
    expect(client.events.map((e) => (JSON.parse(e.data) as AnomalyAlert).event.id)).toEqual([
      "missed",
      "both",
      "live",
      "after",
    ]);
    expect(reads[0]?.window.fromMs).toBe(NOW - 60_000 + 100 - 300_000);
  });

  it("takes the cursor from ?lastEventId when no header is sent", async () => {
    const seen = paris("seen", 100);
    const { open } = await serve({ archive: [paris("missed", 200), seen] });
    const client = await open(`${BOX}&lastEventId=${encodeCursor(streamKey(seen))}`);
    const [event] = await client.waitForEvents(1, 5000);
    expect((JSON.parse(event?.data ?? "") as AnomalyAlert).event.id).toBe("missed");
  });

  it("refuses a stream past API_STREAM_MAX_CLIENTS with a 503 and Retry-After, and frees the slot on close", async () => {
    const { open, hub } = await serve({ maxClients: 1 });
    const first = await open();
    const second = await open();
    expect(second.status).toBe(503);
    expect(second.headers.get("retry-after")).toBe("2");
    expect(second.refusal).toMatchObject({ code: "STREAM_BUSY" });
    expect(second.refusal?.["message"]).toMatch(/API_STREAM_MAX_CLIENTS = 1/);
    first.close();
    for (let i = 0; i < 50 && hub.clients > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await open()).status).toBe(200);
  });

  it("answers 400 for a cursor it did not make and 503 while the feed is not live", async () => {
    const { open } = await serve({});
    const bad = await open(BOX, "yesterday");
    expect(bad.status).toBe(400);
    expect(bad.refusal).toMatchObject({ code: "QUERY_INVALID" });
    expect(bad.refusal?.["message"]).toMatch(/^Last-Event-ID: must be an id this stream sent/);
    await app?.close();
    const idle = await serve({ live: false });
    const refused = await idle.open();
    expect(refused.status).toBe(503);
    expect(refused.refusal).toMatchObject({ code: "STREAM_UNAVAILABLE" });
  });
});
