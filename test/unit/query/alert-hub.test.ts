import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AnomalyAlert } from "../../../src/domain/detect/alert.js";
import { decodeCursor, streamKey } from "../../../src/domain/query/stream-cursor.js";
import { AlertHub, type AlertSource } from "../../../src/query/alert-hub.js";
import { sampleAlert } from "../../support/sample-alert.js";

const T = Date.UTC(2026, 11, 1, 12);
const PARIS = { south: 48, west: 2, north: 49, east: 3 };

/** A source the test pushes alerts into. */
class FakeSource implements AlertSource {
  deliver: (a: AnomalyAlert) => void = () => undefined;
  live = false;
  start(deliver: (a: AnomalyAlert) => void) {
    this.deliver = deliver;
    this.live = true;
    return Promise.resolve();
  }
  stop() {
    this.live = false;
    return Promise.resolve();
  }
}

const at = (id: string, detectedAfterMs: number, lat = 48.5, lon = 2.5) =>
  sampleAlert(id, lat, lon, T, detectedAfterMs);

function received() {
  const got: { id: string; cursor: string }[] = [];
  return { got, send: (a: AnomalyAlert, cursor: string) => got.push({ id: a.event.id, cursor }) };
}

let source: FakeSource;
let hub: AlertHub;
beforeEach(async () => {
  vi.useFakeTimers({ now: T + 1000 });
  source = new FakeSource();
  hub = new AlertHub(source, 250);
  await hub.start();
});
afterEach(async () => {
  await hub.stop();
  vi.useRealTimers();
});

/** A subscriber to the Paris box, live from the start: what it is sent, as it is sent. */
function liveInParis(): ReturnType<typeof received>["got"] {
  const { got, send } = received();
  hub.subscribe(PARIS).goLive(send, []);
  return got;
}

describe("the alert hub", () => {
  it("holds alerts for the reorder time and sends those that arrive together in detection order", () => {
    const got = liveInParis();
    source.deliver(at("second", 20));
    vi.advanceTimersByTime(100);
    source.deliver(at("first", 10));
    expect(got).toEqual([]);
    vi.advanceTimersByTime(150);
    expect(got.map((g) => g.id)).toEqual(["first", "second"]);
  });

  it("sends each subscriber only the alerts in its box", () => {
    const paris = received();
    const lagos = received();
    hub.subscribe(PARIS).goLive(paris.send, []);
    hub.subscribe({ south: 6, west: 3, north: 7, east: 4 }).goLive(lagos.send, []);
    source.deliver(at("paris", 10));
    source.deliver(at("lagos", 11, 6.5, 3.4));
    vi.advanceTimersByTime(300);
    expect(paris.got.map((g) => g.id)).toEqual(["paris"]);
    expect(lagos.got.map((g) => g.id)).toEqual(["lagos"]);
  });

  it("gives every alert the cursor of the latest place sent, so a late alert does not move it back", () => {
    const got = liveInParis();
    source.deliver(at("new", 50));
    vi.advanceTimersByTime(300);
    source.deliver(at("late", 10));
    vi.advanceTimersByTime(300);
    expect(got.map((g) => g.id)).toEqual(["new", "late"]);
    const newKey = streamKey(at("new", 50));
    expect(got.map((g) => decodeCursor(g.cursor))).toEqual([{ key: newKey }, { key: newKey }]);
  });

  it("on a resume sends the replayed alerts, then what arrived meanwhile, each event once", () => {
    const { got, send } = received();
    const sub = hub.subscribe(PARIS);
    // Published while the archive is read: one of them the archive read saw too.
    source.deliver(at("both", 30));
    source.deliver(at("live-only", 40));
    vi.advanceTimersByTime(300);
    expect(got).toEqual([]);
    const replayed = [at("missed", 20), at("both", 30)].map((alert) => ({
      alert,
      key: streamKey(alert),
    }));
    sub.goLive(send, replayed, streamKey(at("seen", 10)));
    expect(got.map((g) => g.id)).toEqual(["missed", "both", "live-only"]);
    source.deliver(at("both", 30));
    vi.advanceTimersByTime(300);
    expect(got).toHaveLength(3);
  });

  it("counts subscribers until they close, and is live only once the source is", async () => {
    expect(hub.live).toBe(true);
    const a = hub.subscribe(PARIS);
    hub.subscribe(PARIS);
    expect(hub.clients).toBe(2);
    a.close();
    expect(hub.clients).toBe(1);
    await hub.stop();
    expect(hub.live).toBe(false);
  });
});
