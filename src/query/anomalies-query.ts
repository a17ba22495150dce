/**
 * GET /v1/anomalies: the archived alerts of events inside a box and window, newest first, as the
 * alert schema's objects. The archive is partitioned by region (ALERT_REGION_LENGTH) and bucket.
 */
import type { AnomalyAlert } from "../domain/detect/alert.js";
import {
  ALERT_BUCKET_MS,
  ALERT_REGION_LENGTH,
  ALERT_TTL_SECONDS,
} from "../domain/detect/alert-archive.js";
import { boxCellCount, cellsInBox, type Box } from "../domain/geo/cover.js";
import {
  bucketCount,
  bucketsBetween,
  servedWindow,
  type TimeWindow,
} from "../domain/query/query-window.js";
import { iso, refuse, type QueryContext } from "./context.js";
import type { BoxResult, ReadBudget } from "./ports.js";
import { boxHoldsCell } from "../domain/query/box-query.js";

export interface AnomaliesRequest {
  readonly box: Box;
  readonly window: TimeWindow;
  readonly limit: number;
  readonly budget: ReadBudget;
}

/** Alert archive partitions a box and window cover, by arithmetic (nothing listed). */
export function alertPartitions(box: Box, window: TimeWindow): number {
  return boxCellCount(box, ALERT_REGION_LENGTH) * bucketCount(window, ALERT_BUCKET_MS);
}

export interface AnomaliesAnswer {
  /** Geohash length of the archive's regions. */
  readonly length: number;
  readonly from: string;
  readonly to: string;
  readonly anomalies: AnomalyAlert[];
  readonly truncated: boolean;
  readonly partitions: number;
  readonly rowsRead: number;
}

/** The archived alerts inside the box and window; the window clipped to the archive's TTL. */
export async function readAnomalies(
  ctx: QueryContext,
  req: AnomaliesRequest,
): Promise<{ window: TimeWindow; result: BoxResult<AnomalyAlert> } | undefined> {
  const window = servedWindow(req.window, ALERT_TTL_SECONDS, ctx.now());
  if (window === undefined) return undefined;
  const partitions = alertPartitions(req.box, window);
  if (partitions > ctx.maxPartitions) {
    refuse(
      `query too large: the box and window cover ${partitions} alert archive partitions ` +
        `(regions of geohash length ${ALERT_REGION_LENGTH} x ${ALERT_BUCKET_MS / 60_000}-min buckets), ` +
        `more than the limit of ${ctx.maxPartitions} (API_MAX_PARTITIONS): shorten the window or narrow the box`,
      "QUERY_TOO_LARGE",
    );
  }
  const cells = cellsInBox(req.box, ALERT_REGION_LENGTH).map((c) => ({
    hash: c.hash,
    inside: boxHoldsCell(req.box, c),
  }));
  const result = await ctx.alerts.newestInBox({
    box: req.box,
    cells,
    buckets: bucketsBetween(window, { bucketMs: ALERT_BUCKET_MS }),
    window,
    limit: req.limit,
    budget: req.budget,
  });
  return { window, result };
}

export async function queryAnomalies(
  ctx: QueryContext,
  req: AnomaliesRequest,
): Promise<AnomaliesAnswer> {
  const read = await readAnomalies(ctx, req);
  if (read === undefined) {
    return refuse(
      `the window ends before the oldest archived alert (${ALERT_TTL_SECONDS} s ago): move 'to' later`,
      "QUERY_INVALID",
    );
  }
  return {
    length: ALERT_REGION_LENGTH,
    from: iso(read.window.fromMs),
    to: iso(read.window.toMs),
    anomalies: [...read.result.rows],
    truncated: read.result.truncated,
    partitions: read.result.partitions,
    rowsRead: req.budget.rowsRead,
  };
}
