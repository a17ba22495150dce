/**
 * The Kafka side of the synthetic feed, shared by `geoanomaly produce` and the in-process demo:
 * one producer, acks from all in-sync replicas, a clean stop that flushes and disconnects.
 */
import { Partitioners, type Kafka } from "kafkajs";
import { chunkMessages } from "./request-chunks.js";
import { ensureTopicsOn } from "./topics.js";
import type { DistributionName } from "../synthetic/distributions.js";
import { runFeed, type FeedMessage } from "../synthetic/feed.js";
import type { SigmaMode } from "../synthetic/field.js";
import { createMessageSource, type SourceCounts } from "../synthetic/source.js";

export interface ProduceOptions {
  readonly topic: string;
  /** Messages to send; undefined: until stopped. */
  readonly count?: number;
  /** Messages per second; undefined: as fast as acks allow. */
  readonly rate?: number;
  readonly distribution: DistributionName;
  readonly anomalyFraction: number;
  readonly magnitudes: readonly number[];
  /** Anomaly sizes drawn uniformly from [min, max] local standard deviations instead. */
  readonly magnitudeRange?: readonly [number, number];
  readonly malformedFraction?: number;
  readonly seed: number;
  readonly sigma?: SigmaMode;
  /** Id prefix; give each run its own so ids stay unique across runs. */
  readonly idPrefix?: string;
  readonly batchSize?: number;
  /** Create the topic first when it is missing (default: rely on the broker or the detector). */
  readonly createTopic?: { readonly partitions: number; readonly replication: number };
  readonly onProgress?: (progress: ProduceProgress) => void;
}

export interface ProduceProgress extends SourceCounts {
  readonly sent: number;
  readonly elapsedMs: number;
}

export interface ProduceSummary extends ProduceProgress {
  readonly topic: string;
  readonly seed: number;
  readonly eventsPerSecond: number;
  /** True when stop() ended the feed before `count` was reached. */
  readonly stopped: boolean;
}

/** A running feed: `done` settles once the producer has disconnected. */
export interface ProducerFeed {
  /** Stops after the batch in flight is acknowledged; resolves when `done` has settled. */
  stop(): Promise<void>;
  readonly done: Promise<ProduceSummary>;
}

/** Bytes per producer request: well under the broker's default 1 MB record-batch limit. */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** Starts a synthetic feed into `opts.topic` on `kafka`; the caller owns nothing but the handle. */
export function buildProducerFeed(kafka: Kafka, opts: ProduceOptions): ProducerFeed {
  const source = createMessageSource(opts);
  const controller = new AbortController();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

  const send = async (messages: FeedMessage[]): Promise<void> => {
    for (const chunk of chunkMessages(messages, MAX_REQUEST_BYTES)) {
      await producer.send({ topic: opts.topic, acks: -1, messages: chunk });
    }
  };

  const run = async (): Promise<ProduceSummary> => {
    if (opts.createTopic !== undefined)
      await ensureTopicsOn(
        kafka,
        [{ topic: opts.topic, partitions: opts.createTopic.partitions }],
        opts.createTopic.replication,
      );
    await producer.connect();
    try {
      const result = await runFeed({
        send,
        next: () => source.next(),
        count: opts.count,
        rate: opts.rate,
        batchSize: opts.batchSize,
        signal: controller.signal,
        onProgress: (sent, elapsedMs) => opts.onProgress?.({ ...source.counts(), sent, elapsedMs }),
      });
      const seconds = result.elapsedMs / 1000;
      return {
        ...source.counts(),
        ...result,
        topic: opts.topic,
        seed: opts.seed,
        eventsPerSecond: seconds > 0 ? result.sent / seconds : 0,
        stopped: opts.count === undefined || result.sent < opts.count,
      };
    } finally {
      await producer.disconnect();
    }
  };

  const done = run();
  return {
    done,
    stop: async () => {
      controller.abort();
      await done.then(
        () => undefined,
        () => undefined,
      );
    },
  };
}
