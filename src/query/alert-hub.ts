/**
 * The live side of the alert stream, in memory: alerts from the topic are held a moment
 * (API_STREAM_REORDER_MS) so those that arrive together leave in stream order (detection time,
 * then event id), then each goes to every subscriber whose box holds it. One hub per API process,
 * fed by one consumer of the alert topic; a subscriber is one SSE connection.
 *
 * A subscriber starts paused: it collects what arrives while its resume reads the archive, and
 * `goLive` sends the collected alerts it has not already had from the archive, then the live ones.
 * Each alert goes out with the cursor of the latest place the subscriber has been sent, so a
 * resume never repeats one; an alert that reaches the hub later than the hold and behind that
 * place still goes out live, but is not replayed if the subscriber was away when it arrived.
 */
import type { AnomalyAlert } from "../domain/detect/alert.js";
import type { Box } from "../domain/geo/cover.js";
import { boxContains } from "../domain/query/box-query.js";
import {
  compareKeys,
  encodeCursor,
  laterKey,
  streamKey,
  type StreamKey,
} from "../domain/query/stream-cursor.js";

/** Where live alerts come from (the alert topic's consumer in src/kafka). */
export interface AlertSource {
  /** Starts delivering every alert published from now on. */
  start(deliver: (alert: AnomalyAlert) => void): Promise<void>;
  /** True once the source receives what is published (its partitions are assigned). */
  readonly live: boolean;
  stop(): Promise<void>;
}

/** Sends one alert to a client, with the cursor to resume after it. */
export type AlertSend = (alert: AnomalyAlert, cursor: string) => void;

/** Event ids a subscriber remembers having sent, to drop a duplicate delivery. */
const REMEMBERED_IDS = 10_000;

interface Held {
  readonly alert: AnomalyAlert;
  readonly key: StreamKey;
  readonly dueMs: number;
}

/** One client's subscription: paused until `goLive`, then sent every alert in its box. */
export class Subscription {
  private paused: { alert: AnomalyAlert; key: StreamKey }[] | undefined = [];
  private send: AlertSend | undefined;
  private latest: StreamKey | undefined;
  private readonly sent = new Set<string>();

  constructor(
    readonly box: Box,
    private readonly onClose: (s: Subscription) => void,
  ) {}

  /** Starts sending: `replayed` first (from the archive, in stream order), then what was collected. */
  goLive(
    send: AlertSend,
    replayed: readonly { alert: AnomalyAlert; key: StreamKey }[],
    after?: StreamKey,
  ): void {
    this.send = send;
    this.latest = after;
    for (const r of replayed) this.emit(r.alert, r.key);
    const collected = this.paused ?? [];
    this.paused = undefined;
    for (const c of collected) this.emit(c.alert, c.key);
  }

  /** The hub's delivery of an alert in this subscriber's box. */
  offer(alert: AnomalyAlert, key: StreamKey): void {
    if (this.paused !== undefined) this.paused.push({ alert, key });
    else this.emit(alert, key);
  }

  close(): void {
    this.onClose(this);
  }

  private emit(alert: AnomalyAlert, key: StreamKey): void {
    if (this.send === undefined || this.sent.has(alert.event.id)) return;
    this.sent.add(alert.event.id);
    if (this.sent.size > REMEMBERED_IDS) {
      const oldest = this.sent.values().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
    this.latest = this.latest === undefined ? key : laterKey(this.latest, key);
    this.send(alert, encodeCursor(this.latest));
  }
}

/** Fans the alert source out to the subscribers, in stream order within the hold. */
export class AlertHub {
  private readonly subscribers = new Set<Subscription>();
  private held: Held[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;

  constructor(
    private readonly source: AlertSource,
    private readonly holdMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Subscriptions open now. */
  get clients(): number {
    return this.subscribers.size;
  }

  /** Whether alerts published now reach the subscribers. */
  get live(): boolean {
    return this.started && this.source.live;
  }

  async start(): Promise<void> {
    await this.source.start((alert) => this.accept(alert));
    this.started = true;
  }

  /** A new, paused subscription for alerts inside `box`. */
  subscribe(box: Box): Subscription {
    const s = new Subscription(box, (gone) => this.subscribers.delete(gone));
    this.subscribers.add(s);
    return s;
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
    await this.source.stop();
  }

  /** Holds an alert from the source until its time comes. */
  accept(alert: AnomalyAlert): void {
    const key = streamKey(alert);
    if (!Number.isFinite(key.detectedMs)) return;
    this.held.push({ alert, key, dueMs: this.now() + this.holdMs });
    if (this.holdMs === 0) this.release();
    else this.schedule();
  }

  /** Sends every held alert up to the latest one due, in stream order. */
  release(): void {
    this.timer = undefined;
    const now = this.now();
    let upTo: StreamKey | undefined;
    for (const h of this.held) if (h.dueMs <= now) upTo = upTo ? laterKey(upTo, h.key) : h.key;
    if (upTo !== undefined) {
      const limit = upTo;
      const out = this.held.filter((h) => compareKeys(h.key, limit) <= 0);
      this.held = this.held.filter((h) => compareKeys(h.key, limit) > 0);
      out.sort((a, b) => compareKeys(a.key, b.key));
      for (const h of out) this.fanOut(h);
    }
    this.schedule();
  }

  private fanOut(h: Held): void {
    for (const s of this.subscribers)
      if (boxContains(s.box, h.alert.event.lat, h.alert.event.lon)) s.offer(h.alert, h.key);
  }

  private schedule(): void {
    if (this.timer !== undefined || this.held.length === 0) return;
    const next = Math.min(...this.held.map((h) => h.dueMs));
    this.timer = setTimeout(() => this.release(), Math.max(0, next - this.now()));
  }
}
