/**
 * The assembly part of the composition root (src/app/): the layout, the store and its schema, and
 * the Detector, from one frozen config. The detector service (detector-app.ts), `near` and
 * GET /v1/near (one near evaluator), the query API, the benchmark and the tests all assemble the
 * detector here, never by hand.
 */
import type cassandra from "cassandra-driver";
import { CassandraEventStore } from "../cassandra/event-store.js";
import { applySchema } from "../cassandra/schema.js";
import { CassandraSummaryStore } from "../cassandra/summary-store.js";
import { configuredLayout, searchedLevels, summarySourceLevel } from "../config/layout.js";
import type { Config } from "../config/load.js";
import type { GeoEvent } from "../domain/detect/event.js";
import type { LevelLayout } from "../domain/sizing/levels.js";
import type { Verdict } from "../domain/detect/scoring.js";
import type { SearchResult } from "../domain/detect/search.js";
import { Detector, type DetectorSettings } from "../pipeline/detector.js";
import type { CheckTracer, EventStore, PipelineMetrics } from "../pipeline/ports.js";
import type { SummaryRolling, TouchLog } from "../pipeline/summary-ports.js";
import {
  SummaryRoller,
  type RollerLogger,
  type SummaryMetrics,
} from "../pipeline/summary-roller.js";
import type { RetryOptions } from "../pipeline/failure-policy.js";

/** A store with the means to create its tables. */
export interface StoreParts {
  readonly store: EventStore;
  /** Creates the keyspace and the store's tables; safe to run again. */
  applySchema(replication: string): Promise<void>;
}

/** Builds a store; the default is the table-per-length store (the benchmark swaps in others). */
export type StoreFactory = (
  client: cassandra.Client,
  keyspace: string,
  layout: LevelLayout,
) => StoreParts;

/** The product's store: one table per geohash length. */
export const tablePerLength: StoreFactory = (client, keyspace, layout) => ({
  store: new CassandraEventStore(client, keyspace, layout),
  applySchema: (replication) => applySchema(client, layout, keyspace, replication),
});

export function retryOptions(config: Config): RetryOptions {
  return {
    initialMs: config.retryInitialMs,
    maxMs: config.retryMaxMs,
    attempts: config.retryAttempts,
  };
}

/** The detector settings a config stands for. */
export function detectorSettings(config: Config, layout: LevelLayout): DetectorSettings {
  return {
    search: {
      k: config.searchK,
      maxDistanceMeters: config.maxNeighbourDistanceM,
      maxCellsPerRead: config.searchMaxCells,
      partitionCostRows: config.searchPartitionCost,
      maxReads: config.searchMaxReads,
      rowsPerPartition: config.rowsPerPartition,
      levels: searchedLevels(config, layout).map((l) => ({
        length: l.length,
        horizonMs: l.horizonMs,
        bucketMs: l.bucketMs,
      })),
    },
    layout,
    partitionsPerRead: config.searchPartitionsPerRead,
    rowsPerWrite: config.writeBatchRows,
    statementsInFlight: config.concurrency,
    startRadiusMeters: config.searchStartRadiusM,
    scorer: config.scorer,
    threshold: config.threshold,
    minNeighbours: config.minNeighbours,
    alertKeyLength: config.alertKeyLength,
    retry: retryOptions(config),
  };
}

export interface DetectorParts extends StoreParts {
  readonly layout: LevelLayout;
  readonly settings: DetectorSettings;
  readonly detector: Detector;
}

export interface AssembleOptions {
  readonly metrics: PipelineMetrics;
  readonly tracer?: CheckTracer;
  readonly storeFactory?: StoreFactory;
}

/** The layout, store and detector of `config` on a connected `client`. */
export function assembleDetector(
  config: Config,
  client: cassandra.Client,
  options: AssembleOptions,
): DetectorParts {
  const layout = configuredLayout(config);
  const parts = (options.storeFactory ?? tablePerLength)(client, config.cassandraKeyspace, layout);
  const settings = detectorSettings(config, layout);
  const detector = new Detector(parts.store, settings, options.metrics, options.tracer);
  return { ...parts, layout, settings, detector };
}

/** The cluster summary's parts in the detector: the write path's touch log and the roller. */
export interface SummaryParts {
  /** The length the summary is counted from. */
  readonly sourceLength: number;
  readonly log: TouchLog;
  readonly roller: SummaryRolling;
  /** Creates the summary's tables; safe to run again. */
  applySchema(): Promise<void>;
}

/** The summary of `config`'s layout on a connected `client`, its roller reporting to `metrics`. */
export function assembleSummary(
  config: Config,
  client: cassandra.Client,
  layout: LevelLayout,
  options: { readonly metrics: SummaryMetrics; readonly logger: RollerLogger },
): SummaryParts {
  const source = summarySourceLevel(config, layout);
  const store = new CassandraSummaryStore(client, config.cassandraKeyspace, source);
  const roller = new SummaryRoller(store, {
    sourceLength: source.length,
    intervalMs: config.summaryRollIntervalMs,
    retry: retryOptions(config),
    metrics: options.metrics,
    logger: options.logger,
  });
  return {
    sourceLength: source.length,
    log: {
      mark: async (pairs) => {
        await store.mark(pairs);
        if (pairs.length > 0) options.metrics.marked(pairs.length);
      },
    },
    roller,
    applySchema: () => store.applySchema(),
  };
}

/**
 * Evaluates a point as the detector would, storing nothing, with `k` as asked: what
 * `geoanomaly near` prints and GET /v1/near answers. A detector per call (no density hints
 * carried between requests), on the table-per-length store.
 */
export function createNearEvaluator(
  config: Config,
  client: cassandra.Client,
  metrics: PipelineMetrics,
): (point: GeoEvent, k: number) => Promise<{ search: SearchResult; verdict: Verdict }> {
  const layout = configuredLayout(config);
  const { store } = tablePerLength(client, config.cassandraKeyspace, layout);
  const settings = detectorSettings(config, layout);
  return (point, k) =>
    new Detector(store, { ...settings, search: { ...settings.search, k } }, metrics).evaluate(
      point,
    );
}
