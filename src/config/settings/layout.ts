import { z } from "zod";
import { intIn, lengthList, lengths, positive, spec } from "./spec.js";

/** The storage layout: which geohash lengths are stored and what the automatic choice is sized for. */
export const LAYOUT_SETTINGS = {
  geohashLengths: spec(
    "GEOHASH_LENGTHS",
    "geohash-lengths",
    "auto",
    lengths,
    "geohash lengths stored and searched (one table each); auto: 8 down to the coarsest length a search within MAX_NEIGHBOUR_DISTANCE_M can use",
  ),
  mapLengths: spec(
    "MAP_LENGTHS",
    "map-lengths",
    "none",
    z.union([z.literal("none"), lengthList], {
      error: "must be 'none' or a comma-separated list of whole numbers in 1..12 without repeats",
    }),
    "coarse lengths also stored (with GEOHASH_LENGTHS=auto), e.g. 2,3, so /v1/events can list continent-sized boxes; map clusters come from the summary either way; none: one write per length fewer per event",
  ),
  summaryRollIntervalMs: spec(
    "SUMMARY_ROLL_INTERVAL_MS",
    "summary-roll-interval-ms",
    "5000",
    intIn(100, 600_000),
    "how often the detector recounts the cluster summary's touched cells: /v1/clusters lags the stored events by about this",
  ),
  layoutEventsPerSecond: spec(
    "LAYOUT_EVENTS_PER_SECOND",
    "layout-events-per-second",
    "2000",
    positive(1e9),
    "traffic the per-length buckets, horizons and TTLs are sized for (events/s worldwide)",
  ),
  layoutRowBytes: spec(
    "LAYOUT_ROW_BYTES",
    "layout-row-bytes",
    "120",
    positive(1e6),
    "bytes of one stored row, for the layout's partition sizing",
  ),
  layoutPartitionMb: spec(
    "LAYOUT_PARTITION_MB",
    "layout-partition-mb",
    "50",
    positive(1e5),
    "partition size (decimal MB) the layout keeps the hottest cell's partitions under",
  ),
  layoutHotCellShare: spec(
    "LAYOUT_HOT_CELL_SHARE",
    "layout-hot-cell-share",
    "0.4",
    z.coerce
      .number()
      .min(1 / 32, "must be at least 1/32 (uniform)")
      .max(1),
    "clumping of the layout's sizing: share of a cell's traffic its hottest child cell gets",
  ),
} as const;
