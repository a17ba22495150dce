/**
 * Scenario: how right the detector is, from what the detector process really did. Neighbour
 * recall: the checks it traced (GET /trace) against brute force over the row's events with the
 * nominal window, the configured bound and the batch rule, each missing neighbour classified by
 * the final store (in flight, lost, or a search miss) and the input topic (partition, offset).
 * Detection: alerts on the alert topic matched to the injected labels by event id, with coverage
 * and insufficient reasons from the detector's counters, and recall counted among the anomalies
 * that had a local neighbourhood as well as over all of them. Every injected anomaly not alerted
 * is listed with the detector's verdict on it, read from the trace of every check it ran.
 */
import type cassandra from "cassandra-driver";
import { checkCountersBetween } from "../lib/check-counters.js";
import {
  distributionDetection,
  localNeighbourhoods,
  type DistributionDetection,
} from "../lib/detection-figures.js";
import { readInputPositions } from "../lib/input-positions.js";
import { missedAnomalies, type MissedAnomalies } from "../lib/missed-anomalies.js";
import {
  neighbourRecall,
  type NeighbourRecallFigures,
  type TopicPosition,
} from "../lib/neighbour-recall.js";
import type { RowEnv } from "../lib/row.js";
import type { Scrape } from "../lib/scrape.js";
import { storedWriteTimes } from "../lib/stored-rows.js";
import { sampleChecks, traceCoverage } from "../lib/trace-coverage.js";

export interface AccuracyFigures {
  readonly recall: NeighbourRecallFigures;
  readonly detection: DistributionDetection;
  /** Each injected anomaly not alerted, with its verdict, and the counts per kind of verdict. */
  readonly missed: MissedAnomalies;
  /** Events produced in the row with no row in the final store (null: store not read). */
  readonly unstoredEvents: number | null;
  /** Events produced in the row that the input topic did not give back (should be 0). */
  readonly eventsNotInTopic: number;
  /** Why the store or the topic could not be read, if so. */
  readonly notes: readonly string[];
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

/**
 * Accuracy of a row whose scored events were checked between the scrapes `before` and `after`
 * (the row should have drained: its `drained` flag says whether it did).
 */
export async function measureAccuracy(
  client: cassandra.Client,
  env: RowEnv,
  before: Scrape,
  after: Scrape,
  recallSampleShare = 1,
): Promise<AccuracyFigures> {
  await alertsSettled(env);
  const trace = await env.trace.stop();
  const events = env.log.events.map((e) => e.event);
  const c = env.config;
  const notes: string[] = [];
  const finest = env.layout[0]?.length;
  let stored: Map<string, number> | undefined;
  if (finest !== undefined) {
    stored = await storedWriteTimes(client, c.cassandraKeyspace, finest);
  } else {
    notes.push("store not read: the layout has no stored length");
  }
  let positions: Map<string, TopicPosition> | undefined;
  try {
    positions = await readInputPositions(env.kafka, c.inputTopic, `${env.base}.positions`);
  } catch (err) {
    notes.push(`input positions unknown: ${err instanceof Error ? err.message : String(err)}`);
  }
  const recall = neighbourRecall({
    checks: sampleChecks(trace.checks, recallSampleShare),
    events,
    k: c.searchK,
    maxDistanceMeters: c.maxNeighbourDistanceM,
    horizonMsByLength: new Map(env.layout.map((l) => [l.length, l.horizonMs])),
    ...(positions === undefined ? {} : { positions }),
    ...(stored === undefined ? {} : { storedAtMs: stored }),
  });
  const truths = env.log.truths();
  const shortestHorizon = Math.min(...env.layout.map((l) => l.horizonMs));
  const local = localNeighbourhoods(
    events,
    {
      maxDistanceMeters: c.maxNeighbourDistanceM,
      minNeighbours: c.minNeighbours,
      windowMs: shortestHorizon,
    },
    truths.filter((t) => t.magnitude > 0).map((t) => t.id),
  );
  const detection = distributionDetection({
    truths,
    alertedIds: env.alerts.ids,
    counters: checkCountersBetween(before, after),
    local,
  });
  const missed = missedAnomalies({
    truths,
    alertedIds: env.alerts.ids,
    checks: trace.checks,
    threshold: c.threshold,
    trace: traceCoverage(trace, c.traceSampleRate),
    local,
  });
  return {
    recall,
    detection,
    missed,
    unstoredEvents: stored === undefined ? null : events.filter((e) => !stored.has(e.id)).length,
    eventsNotInTopic:
      positions === undefined ? 0 : events.filter((e) => !positions.has(e.id)).length,
    notes,
  };
}
