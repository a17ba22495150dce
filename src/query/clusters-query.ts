/**
 * GET /v1/clusters: clusters for a web-map zoom. The zoom names a geohash precision p; its
 * clusters are the cells of p touching the box, totalled over the whole cell and the window.
 * Up to the summary's source length they come from the cluster summary (summary-clusters.ts);
 * finer, Cassandra counts and sums positions per (cell, bucket) partition of table p, or of the
 * next finer stored length whose cells roll up into p. Past the cluster zooms, or finer than
 * every stored length, the answer is the individual events.
 */
import { childCells, snapToCells } from "../domain/query/box-query.js";
import { boxCellCount, cellsInBox, type Box } from "../domain/geo/cover.js";
import {
  bucketCount,
  bucketsBetween,
  servedWindow,
  type TimeWindow,
} from "../domain/query/query-window.js";
import { anomaliesPerCell, rollUp, toClusters } from "../domain/query/rollup.js";
import { clusterSource } from "../domain/query/zoom.js";
import { alertPartitions, readAnomalies } from "./anomalies-query.js";
import { iso, refuse, type QueryContext } from "./context.js";
import { queryEvents, type EventJson } from "./events-query.js";
import type { ReadBudget } from "./ports.js";
import { summaryClusters, type SummaryClustersAnswer } from "./summary-clusters.js";

/** Alerts read to count anomalies per cluster; past it the counts say so (`anomaliesTruncated`). */
const MAX_ALERTS_COUNTED = 10_000;

export interface ClustersRequest {
  readonly box: Box;
  readonly zoom: number;
  readonly window: TimeWindow;
  /** Events answered when the zoom shows individual events. */
  readonly limit: number;
  readonly budget: ReadBudget;
}

/** Clusters counted from the event rows: a summary answer's fields without `summaryAsOf`. */
type RowClustersAnswer = Omit<SummaryClustersAnswer, "summaryAsOf">;

export type ClustersAnswer =
  | SummaryClustersAnswer
  | RowClustersAnswer
  | (Omit<RowClustersAnswer, "mode" | "clusters" | "anomaliesTruncated"> & {
      readonly mode: "events";
      readonly clusters: [];
      readonly events: EventJson[];
      readonly truncated: boolean;
    });

export async function queryClusters(
  ctx: QueryContext,
  req: ClustersRequest,
): Promise<ClustersAnswer> {
  const source = clusterSource(
    req.zoom,
    ctx.layout.map((l) => l.length),
  );
  if (source.kind === "events") {
    const answer = await queryEvents(ctx, req);
    return { mode: "events", precision: source.precision, clusters: [], ...answer };
  }
  const { precision, sourceLength } = source;
  if (precision <= ctx.summarySource.length) return summaryClusters(ctx, req, precision);
  const level = ctx.layout.find((l) => l.length === sourceLength);
  if (level === undefined) throw new Error(`length ${sourceLength} is not stored`);
  const window = servedWindow(req.window, level.ttlSeconds, ctx.now());
  if (window === undefined) {
    return refuse(
      `the window ends before the oldest row geohash length ${sourceLength} keeps (${level.ttlSeconds} s): move 'to' later`,
      "QUERY_INVALID",
    );
  }
  // The cost by arithmetic first: nothing is listed before the request is known to fit.
  const shown = boxCellCount(req.box, precision);
  const perCell = 32 ** (sourceLength - precision);
  const buckets = bucketCount(window, level.bucketMs);
  const partitions = shown * perCell * buckets;
  const alertBox = snapToCells(req.box, precision);
  const alertCost = alertPartitions(alertBox, window);
  if (partitions + alertCost > ctx.maxPartitions) {
    const how =
      sourceLength > precision
        ? `each cell of precision ${precision} is rolled up from ${perCell} cells of stored length ${sourceLength}; `
        : "";
    refuse(
      `query too large: zoom ${req.zoom} shows ${shown} cells of precision ${precision}; ` +
        `${how}with ${buckets} time bucket(s) that is ${partitions} partitions, plus ${alertCost} of the ` +
        `alert archive, more than the limit of ${ctx.maxPartitions} (API_MAX_PARTITIONS). ` +
        "Zoom in, narrow the box or shorten the window",
      "QUERY_TOO_LARGE",
    );
  }
  if (partitions > req.budget.rowsLeft()) {
    req.budget.exhausted(`zoom ${req.zoom} aggregates ${partitions} partitions, one row each`);
  }
  const cells = cellsInBox(req.box, precision);
  const sourceCells = cells.flatMap((c) => childCells(c.hash, sourceLength));
  const sums = await ctx.events.cellSums(
    sourceLength,
    sourceCells,
    bucketsBetween(window, level),
    window,
    req.budget,
  );
  const alerts = await readAnomalies(ctx, {
    box: alertBox,
    window,
    limit: MAX_ALERTS_COUNTED,
    budget: req.budget,
  });
  const alerted = (alerts?.result.rows ?? []).map((a) => a.event);
  return {
    mode: "clusters",
    precision,
    length: sourceLength,
    from: iso(window.fromMs),
    to: iso(window.toMs),
    clusters: toClusters(rollUp(sums, precision), anomaliesPerCell(alerted, precision)),
    anomaliesTruncated: alerts?.result.truncated ?? false,
    partitions: partitions + (alerts?.result.partitions ?? 0),
    rowsRead: req.budget.rowsRead,
  };
}
