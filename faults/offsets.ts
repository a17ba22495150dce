/** Samples a consumer group's committed offsets and the topic's end offsets twice a second. */
import type { Admin } from "kafkajs";
import type { OffsetSample } from "./progress.js";

export class OffsetWatcher {
  readonly samples: OffsetSample[] = [];
  failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly admin: Admin,
    private readonly groupId: string,
    private readonly topic: string,
    private readonly everyMs = 500,
  ) {}

  async sampleNow(): Promise<void> {
    const tMs = Date.now();
    const [committed, ends] = await Promise.all([
      this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] }),
      this.admin.fetchTopicOffsets(this.topic),
    ]);
    const byPartition = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
    );
    for (const e of ends) {
      const c = byPartition.get(e.partition) ?? -1;
      this.samples.push({
        tMs,
        partition: e.partition,
        committed: c < 0 ? Number(e.low) : c,
        end: Number(e.high),
      });
    }
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.sampleNow().then(
        () => (this.timer = setTimeout(tick, this.everyMs)),
        () => {
          this.failures += 1;
          this.timer = setTimeout(tick, this.everyMs);
        },
      );
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** Uncommitted messages now: a fresh sample, so messages produced a moment ago count. */
  async freshBacklog(): Promise<number> {
    try {
      await this.sampleNow();
    } catch {
      return Number.POSITIVE_INFINITY;
    }
    return this.backlog();
  }

  /** Uncommitted messages at the latest sample. */
  backlog(): number {
    const last = this.samples.at(-1);
    if (last === undefined) return Number.POSITIVE_INFINITY;
    return this.samples
      .filter((s) => s.tMs === last.tMs)
      .reduce((sum, s) => sum + s.end - s.committed, 0);
  }
}
