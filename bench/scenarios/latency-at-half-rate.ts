/**
 * Scenario: end-to-end latency (event time to offset commit) at half the highest sustained rate,
 * where the pipeline is loaded but not saturated, read from the detector's HDR histogram.
 */
import { producePaced } from "../lib/kafka.js";
import type { RowEnv } from "../lib/row.js";
import { scrapeLatency, type LatencyJson } from "../lib/scrape.js";

export interface HalfRateFigures {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly latencyMs: LatencyJson;
  /** The lag came back to 0 afterwards, so every event's latency was recorded. */
  readonly drained: boolean;
}

/** Produces at `rate` for `seconds` (first 20% unmeasured) and returns the latency quantiles. */
export async function measureHalfRate(
  env: RowEnv,
  rate: number,
  seconds: number,
  drainTimeoutSeconds: number,
): Promise<HalfRateFigures> {
  const port = env.detector.port;
  const settle = Math.max(2, Math.round(seconds * 0.2));
  await producePaced(env.producer, env.config.inputTopic, {
    label: `${env.variant.name}: settle @${Math.round(rate)}/s`,
    next: () => env.source.next(),
    rate,
    durationMs: settle * 1000,
  });
  await scrapeLatency(port, true);
  const t0 = performance.now();
  const fed = await producePaced(env.producer, env.config.inputTopic, {
    label: `${env.variant.name}: half rate @${Math.round(rate)}/s`,
    next: () => env.source.next(),
    rate,
    durationMs: (seconds - settle) * 1000,
  });
  const sent = fed.acknowledged;
  const elapsed = (performance.now() - t0) / 1000;
  const drained = await env.lag.drained(drainTimeoutSeconds * 1000);
  return {
    targetRate: rate,
    achievedRate: sent / elapsed,
    latencyMs: await scrapeLatency(port, true),
    drained,
  };
}
