/**
 * The labelled feed of a fault run: synthetic events with injected anomalies of known size, sent
 * with acks from all in-sync replicas, each recorded in the ledger (with its phase) once Kafka has
 * acknowledged its partition. A failed send is retried until it succeeds, so every generated
 * event arrives. A send that resolves is not enough: kafkajs can resolve one that skipped a
 * partition whose leader died during it (see src/kafka/confirmed-send.ts), which a broker-loss
 * run counted as an event lost by the detectors, so the feed confirms every partition it sends to.
 */
import ngeohash from "ngeohash";
import { Partitioners, type Kafka, type Producer } from "kafkajs";
import { setTimeout as sleep } from "node:timers/promises";
import { createGenerator, type Generator } from "../src/synthetic/generator.js";
import { runFeed, type FeedMessage } from "../src/synthetic/feed.js";
import { partitionCounts, sendConfirmed } from "../src/kafka/confirmed-send.js";
import type { Ledger } from "./accounting.js";

/** Geohash length of the message key: places a few kilometres apart share a partition. */
const KEY_LENGTH = 5;

export interface FeedSettings {
  readonly seed: number;
  readonly idPrefix: string;
  readonly anomalyFraction: number;
  /** In local standard deviations: far above the threshold, so every one must be alerted. */
  readonly magnitudes: readonly number[];
}

export class LabelledFeed {
  phase = "warm-up";
  sendErrors = 0;
  /** Messages sent again because kafkajs's answer did not confirm their partition. */
  resent = 0;
  /** When Kafka acknowledged the first event (undefined before). */
  firstAckMs: number | undefined;
  private readonly producer: Producer;
  private partitions = 0;
  private readonly warm: Generator;
  private readonly labelled: Generator;
  private readonly pending = new Map<string, boolean>();
  private controller: AbortController | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly ledger: Ledger,
    settings: FeedSettings,
  ) {
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    const base = { distribution: "narrow" as const, seed: settings.seed };
    this.warm = createGenerator({
      ...base,
      anomalyFraction: 0,
      magnitudes: [],
      idPrefix: `${settings.idPrefix}w-`,
    });
    this.labelled = createGenerator({
      ...base,
      anomalyFraction: settings.anomalyFraction,
      magnitudes: settings.magnitudes,
      idPrefix: `${settings.idPrefix}s-`,
    });
  }

  /** Connects, and learns the topic's partition count (the topic exists by then). */
  async connect(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      this.partitions = (await partitionCounts(admin, [this.topic])).get(this.topic) ?? 0;
    } finally {
      await admin.disconnect();
    }
    await this.producer.connect();
  }

  private message(gen: Generator): FeedMessage {
    const { event, label } = gen.next();
    this.pending.set(event.id, label.anomaly);
    return {
      key: ngeohash.encode(event.lat, event.lon, KEY_LENGTH),
      value: Buffer.from(JSON.stringify(event), "utf8"),
    };
  }

  private async send(messages: FeedMessage[]): Promise<void> {
    for (;;) {
      try {
        await sendConfirmed((r) => this.producer.send(r), this.topic, messages, this.partitions, {
          onResend: (n) => (this.resent += n),
        });
        break;
      } catch {
        this.sendErrors += 1;
        await sleep(500);
      }
    }
    this.firstAckMs ??= Date.now();
    const phase = this.phase;
    for (const m of messages) {
      const id = (JSON.parse(m.value.toString("utf8")) as { id: string }).id;
      this.ledger.record(phase, id, this.pending.get(id) ?? false);
      this.pending.delete(id);
    }
  }

  /** `count` events without anomalies, as fast as acks allow: history for every later check. */
  async warmUp(count: number): Promise<void> {
    await runFeed({ send: (m) => this.send(m), next: () => this.message(this.warm), count });
  }

  /** Sends labelled events at `rate` per second until stopped or the rate changes. */
  setRate(rate: number): void {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const previous = this.running ?? Promise.resolve();
    this.running = previous.then(() =>
      runFeed({
        send: (m) => this.send(m),
        next: () => this.message(this.labelled),
        rate,
        signal: controller.signal,
      }),
    );
  }

  /**
   * A fixed rate from the first event, as a deployment's producers send whether or not the group
   * is ready: `quiet` events without anomalies (the history later checks need), then labelled
   * events until stopped.
   */
  fixedRate(rate: number, quiet: number): void {
    const controller = new AbortController();
    this.controller = controller;
    this.running = runFeed({
      send: (m) => this.send(m),
      next: () => this.message(this.warm),
      rate,
      count: quiet,
      signal: controller.signal,
    }).then(() =>
      runFeed({
        send: (m) => this.send(m),
        next: () => this.message(this.labelled),
        rate,
        signal: controller.signal,
      }),
    );
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    await this.producer.disconnect();
  }
}
