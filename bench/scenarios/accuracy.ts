/**
 * Scenario: how right the detector is, from what the detector process really did. Neighbour
 * recall: the checks it traced (GET /trace) against brute force over the event log with the same
 * distance bound and time window. Detection: alerts on the alert topic matched to the injected
 * labels by event id, with coverage and insufficient reasons from the detector's counters, and
 * recall counted among the anomalies that had a local neighbourhood.
 */
import { checkCountersBetween } from "../lib/check-counters.js";
import {
  distributionDetection,
  localNeighbourhoods,
  type DistributionDetection,
} from "../lib/detection-figures.js";
import type cassandra from "cassandra-driver";
import { tableName } from "../../src/domain/levels.js";
import type { RowEnv } from "../lib/row.js";
import type { Scrape } from "../lib/scrape.js";
import { traceRecall, type TraceRecallFigures } from "../lib/trace-recall.js";

export interface AccuracyFigures {
  readonly recall: TraceRecallFigures;
  readonly detection: DistributionDetection;
  /** Traced checks the detector dropped from its buffer before they were collected. */
  readonly traceDropped: number;
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
 * When each event was stored: the write time of its row at the finest stored length (every
 * length is written at once). Only the table-per-length store has these tables; the comparison
 * models fall back to the production-order rule.
 */
async function storedAt(
  client: cassandra.Client,
  env: RowEnv,
): Promise<Map<string, number> | undefined> {
  const finest = env.layout[0]?.length;
  if (finest === undefined) return undefined;
  const out = new Map<string, number>();
  const cql = `SELECT id, WRITETIME(value) AS w FROM ${env.config.cassandraKeyspace}.${tableName(finest)}`;
  // One page: a row's keyspace holds its own events only (tens of thousands).
  const rs = await client.execute(cql, [], { prepare: true, fetchSize: 1_000_000 });
  for (const r of rs.rows) {
    // Write times are microseconds since the epoch, taken by the detector's driver.
    out.set(r["id"] as string, Number(r["w"]) / 1000);
  }
  return out;
}

/**
 * Accuracy of a row whose scored events were checked between the scrapes `before` and `after`
 * (the row must have drained). Events in flight when a check ran (not yet written 2 s before its
 * search began, by their Cassandra write time) are told apart from search misses.
 */
export async function measureAccuracy(
  client: cassandra.Client,
  env: RowEnv,
  before: Scrape,
  after: Scrape,
): Promise<AccuracyFigures> {
  await alertsSettled(env);
  const trace = await env.trace.stop();
  const events = env.log.events.map((e) => e.event);
  const c = env.config;
  const stored = await storedAt(client, env);
  const recall = traceRecall(trace.checks, events, {
    k: c.searchK,
    // Without write times: events produced up to the backlog before a check may still be queued.
    inFlightBefore: c.concurrency * c.partitionsConcurrently + env.backlog,
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
  return { recall, detection, traceDropped: trace.dropped };
}
