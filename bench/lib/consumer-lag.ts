/**
 * The detector group's consumer lag on its input topic, from Kafka itself: the partitions' end
 * offsets minus the group's committed offsets. The detector commits an offset only once the
 * work before it is durable, so this lag is exactly what is produced but not yet done, for any
 * release of the detector (it needs nothing from the detector's metrics).
 */
import type { Admin, Kafka } from "kafkajs";
import type { LagSample } from "./flat-lag.js";

/** A partition's end offset ("high") and first offset ("low"), as strings the way Kafka gives them. */
export interface PartitionEnds {
  readonly partition: number;
  readonly high: string;
  readonly low: string;
}

/** A committed offset ("-1": nothing committed yet). */
export interface Committed {
  readonly partition: number;
  readonly offset: string;
}

/**
 * Records produced but not committed, summed over partitions; a partition with nothing committed
 * counts from its first offset (the group starts from the beginning).
 */
export function lagOf(ends: readonly PartitionEnds[], committed: readonly Committed[]): number {
  const at = new Map(committed.map((c) => [c.partition, BigInt(c.offset)]));
  let lag = 0n;
  for (const e of ends) {
    const high = BigInt(e.high);
    const c = at.get(e.partition);
    const from = c === undefined || c < 0n ? BigInt(e.low) : c;
    if (high > from) lag += high - from;
  }
  return Number(lag);
}

/** Samples a group's lag on a topic through one admin connection. */
export class ConsumerLag {
  readonly samples: LagSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private errors = 0;

  private constructor(
    private readonly admin: Admin,
    private readonly groupId: string,
    private readonly topic: string,
  ) {}

  /** Connects an admin client for `groupId` on `topic`. */
  static async open(kafka: Kafka, groupId: string, topic: string): Promise<ConsumerLag> {
    const admin = kafka.admin();
    await admin.connect();
    return new ConsumerLag(admin, groupId, topic);
  }

  /** The lag now (two admin requests), recorded as a sample at performance.now(). */
  async now(): Promise<number> {
    const [ends, offsets] = await Promise.all([
      this.admin.fetchTopicOffsets(this.topic),
      this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] }),
    ]);
    const lag = lagOf(ends, offsets.find((o) => o.topic === this.topic)?.partitions ?? []);
    this.samples.push({ tMs: performance.now(), lag });
    return lag;
  }

  /** Samples every `everyMs` in the background until stop(); failed samples are counted. */
  start(everyMs = 500): void {
    this.stopTimer();
    const tick = (): void => {
      this.running = this.now().catch(() => this.errors++);
      void this.running.then(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, everyMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops background sampling (the sample in flight completes first). */
  async stop(): Promise<void> {
    this.stopTimer();
    await this.running;
  }

  /**
   * Waits until the lag is at most `atMost` (0: everything produced is committed), polling every
   * 250 ms; false when `timeoutMs` passes first.
   */
  async drained(timeoutMs: number, atMost = 0): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      try {
        if ((await this.now()) <= atMost) return true;
      } catch {
        this.errors++;
      }
      if (performance.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Failed lag requests so far. */
  failures(): number {
    return this.errors;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.admin.disconnect();
  }
}
