/**
 * Scenario: end-to-end latency (event time to offset commit) at half the highest sustained rate,
 * where the pipeline is loaded but not saturated, read from the detector's HDR histogram.
 */
import { feed } from "../lib/kafka.js";
import type { RowEnv } from "../lib/row.js";
import { scrapeLatency, type LatencyJson } from "../lib/scrape.js";
import { drain } from "./throughput.js";

export interface HalfRateFigures {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly latencyMs: LatencyJson;
}

/** Produces at `rate` for `seconds` (first 20% unmeasured) and returns the latency quantiles. */
export async function measureHalfRate(
  env: RowEnv,
  rate: number,
  seconds: number,
): Promise<HalfRateFigures> {
  const port = env.detector.port;
  const settle = Math.max(2, Math.round(seconds * 0.2));
  await feed(env.producer, env.config.inputTopic, {
    label: `${env.variant.name}: settle @${Math.round(rate)}/s`,
    next: () => env.source.next(),
    rate,
    durationMs: settle * 1000,
  });
  await scrapeLatency(port, true);
  const t0 = performance.now();
  const sent = await feed(env.producer, env.config.inputTopic, {
    label: `${env.variant.name}: half rate @${Math.round(rate)}/s`,
    next: () => env.source.next(),
    rate,
    durationMs: (seconds - settle) * 1000,
  });
  const elapsed = (performance.now() - t0) / 1000;
  await drain(env, env.log.events.length);
  return {
    targetRate: rate,
    achievedRate: sent / elapsed,
    latencyMs: await scrapeLatency(port, true),
  };
}
