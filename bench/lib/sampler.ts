/**
 * Samples the detector's checks counter once a second: the throughput-over-time series of the
 * chart, and the "checked so far" the backlog-bounded feed waits on.
 */
import { scrapeMetrics, total } from "./scrape.js";

export interface Sample {
  readonly tMs: number;
  readonly checks: number;
}

export class Sampler {
  readonly samples: Sample[] = [];
  private latest = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly t0 = performance.now();

  constructor(
    private readonly port: number,
    private readonly everyMs = 1000,
  ) {}

  /** Checks at the last sample. */
  checks(): number {
    return this.latest;
  }

  async sampleNow(): Promise<number> {
    const s = await scrapeMetrics(this.port);
    this.latest = total(s, "geoanomaly_checks_total");
    this.samples.push({ tMs: performance.now() - this.t0, checks: this.latest });
    return this.latest;
  }

  start(): void {
    const tick = (): void => {
      this.sampleNow().then(
        () => (this.timer = setTimeout(tick, this.everyMs)),
        () => (this.timer = setTimeout(tick, this.everyMs)),
      );
    };
    tick();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** Checks per second between consecutive samples: the throughput-over-time series. */
  rates(): { tS: number; checksPerSecond: number }[] {
    return ratesOf(this.samples);
  }
}

/** Per-interval rates of a counter series. */
export function ratesOf(samples: readonly Sample[]): { tS: number; checksPerSecond: number }[] {
  const out: { tS: number; checksPerSecond: number }[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a === undefined || b === undefined || b.tMs <= a.tMs) continue;
    out.push({
      tS: b.tMs / 1000,
      checksPerSecond: ((b.checks - a.checks) * 1000) / (b.tMs - a.tMs),
    });
  }
  return out;
}
