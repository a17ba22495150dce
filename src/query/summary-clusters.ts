/**
 * Clusters from the cluster summary: the zooms whose precision is at most the summary's source
 * length read the summary rows of the box's regions over whole 5-minute slots (a few partitions
 * per continent), roll them up to the precision and keep the cells touching the box. Counts and
 * anomalies are exact over the slots the answer names (`from`/`to`), as of `summaryAsOf`.
 */
import type { Box } from "../domain/geo/cover.js";
import { servedWindow, type TimeWindow } from "../domain/query/query-window.js";
import { rollUp, toClusters, type Cluster } from "../domain/query/rollup.js";
import { slotWindow, summaryPartitions, summaryRead, touchesBox } from "../domain/query/summary.js";
import { iso, refuse, type QueryContext } from "./context.js";
import type { ReadBudget } from "./ports.js";

export interface SummaryClustersAnswer {
  readonly mode: "clusters";
  readonly precision: number;
  /** The length the clusters were aggregated from (= precision, or finer and rolled up). */
  readonly length: number;
  readonly from: string;
  readonly to: string;
  readonly clusters: Cluster[];
  readonly anomaliesTruncated: boolean;
  readonly partitions: number;
  readonly rowsRead: number;
  /** Start of the rollers' last complete round; null before the first. */
  readonly summaryAsOf: string | null;
}

/** The clusters of `precision` (at most the summary's source length) from the summary. */
export async function summaryClusters(
  ctx: QueryContext,
  req: {
    readonly box: Box;
    readonly zoom: number;
    readonly window: TimeWindow;
    readonly budget: ReadBudget;
  },
  precision: number,
): Promise<SummaryClustersAnswer> {
  const ttl = ctx.summarySource.ttlSeconds;
  const served = servedWindow(req.window, ttl, ctx.now());
  if (served === undefined) {
    return refuse(
      `the window ends before the oldest summary row (${ttl} s ago): move 'to' later`,
      "QUERY_INVALID",
    );
  }
  const window = slotWindow(served);
  const partitions = summaryPartitions(req.box, precision, window);
  if (partitions > ctx.maxPartitions) {
    refuse(
      `query too large: zoom ${req.zoom} reads ${partitions} cluster summary partitions, more ` +
        `than the limit of ${ctx.maxPartitions} (API_MAX_PARTITIONS). Zoom in, narrow the box or shorten the window`,
      "QUERY_TOO_LARGE",
    );
  }
  const read = summaryRead(req.box, precision, window);
  const { rows, asOf } = await ctx.summary.read(read, req.budget);
  const shown = touchesBox(req.box, precision);
  const inBox = rows.filter((r) => shown(r.cell.slice(0, precision)));
  const anomalies = new Map<string, number>();
  for (const r of inBox) {
    const cell = r.cell.slice(0, precision);
    anomalies.set(cell, (anomalies.get(cell) ?? 0) + r.anomalies);
  }
  return {
    mode: "clusters",
    precision,
    length: read.length,
    from: iso(window.fromMs),
    to: iso(window.toMs),
    clusters: toClusters(rollUp(inBox, precision), anomalies),
    anomaliesTruncated: false,
    partitions,
    rowsRead: req.budget.rowsRead,
    summaryAsOf: asOf === undefined ? null : iso(asOf),
  };
}
