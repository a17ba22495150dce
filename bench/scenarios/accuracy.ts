/**
 * Scenario: how right the detector is. Detection: alerts on the alert topic matched to the
 * injected labels by event id. Neighbour recall: for a sample of checked events, the neighbours
 * the detector's own search returns from the stored data (as of the event's time) against a
 * brute-force k-nearest over the generated events in the same time window.
 */
import { layoutFor } from "../../src/domain/levels.js";
import { nearestK } from "../../src/domain/search.js";
import type { RowEnv } from "../lib/row.js";
import {
  detectionFigures,
  mean,
  quantile,
  recallAtK,
  type DetectionFigures,
} from "../lib/stats.js";

export interface RecallFigures {
  readonly mean: number | null;
  readonly p10: number | null;
  readonly sampled: number;
}

/** Waits until no new alert arrived for `quietMs` (alerts are published before commit). */
async function alertsSettled(env: RowEnv, quietMs = 1500, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (Date.now() < deadline && env.alerts.ids.size !== seen) {
    seen = env.alerts.ids.size;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

export async function measureDetection(env: RowEnv): Promise<DetectionFigures> {
  await alertsSettled(env);
  return detectionFigures(env.log.truths(), env.alerts.ids);
}

/**
 * Window of the reference: events with t - horizon(L) <= time <= t, L the length where the
 * detector's search stopped, which is exactly the window its last step read; events from the
 * event's future are never neighbours (nearestK's eligibility rule).
 */
export async function measureRecall(env: RowEnv, sample: number): Promise<RecallFigures> {
  const scored = env.log.events.filter((e) => !e.warmup);
  const step = Math.max(1, Math.floor(scored.length / sample));
  const picked = scored.filter((_, i) => i % step === 0).slice(0, sample);
  const k = env.config.searchK;
  const horizons = new Map(
    layoutFor(env.config.geohashLengths).map((l) => [l.length, l.horizonMs]),
  );
  const all = env.log.events.map((e) => e.event);
  const recalls: number[] = [];
  for (const e of picked) {
    const { search } = await env.harnessDetector.evaluate(e.event);
    const horizon = horizons.get(search.stoppedAtLength) ?? 0;
    const from = e.event.timeMs - horizon;
    const window = all.filter((c) => c.timeMs >= from && c.timeMs <= e.event.timeMs);
    const reference = nearestK(e.event, window, k).map((n) => n.id);
    const r = recallAtK(
      search.neighbours.map((n) => n.id),
      reference,
      k,
    );
    if (r !== null) recalls.push(r);
  }
  return { mean: mean(recalls), p10: quantile(recalls, 0.1), sampled: recalls.length };
}
