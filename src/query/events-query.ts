/**
 * GET /v1/events: the stored events inside a box and window, exactly. The box is covered by the
 * cells of one stored length chosen so the partitions stay bounded; rows of edge cells are tested
 * one by one; the newest `limit` are answered, `truncated` when more exist.
 */
import { boxHoldsCell, chooseCoverLength } from "../domain/query/box-query.js";
import { cellsInBox, type Box } from "../domain/geo/cover.js";
import { bucketsBetween, type TimeWindow } from "../domain/query/query-window.js";
import { iso, refuse, type QueryContext } from "./context.js";
import type { ReadBudget, StoredEvent } from "./ports.js";

export interface EventsRequest {
  readonly box: Box;
  readonly window: TimeWindow;
  readonly limit: number;
  readonly budget: ReadBudget;
}

export interface EventJson {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly value: number;
  readonly time: string;
}

export interface EventsAnswer {
  /** The geohash length whose table served the request. */
  readonly length: number;
  /** The window served: the request's, clipped to what that length still keeps. */
  readonly from: string;
  readonly to: string;
  readonly events: EventJson[];
  readonly truncated: boolean;
  /** (cell, bucket) partitions read. */
  readonly partitions: number;
  /** Rows read from storage for the answer (at most API_MAX_ROWS). */
  readonly rowsRead: number;
}

export function eventJson(e: StoredEvent): EventJson {
  return { id: e.id, lat: e.lat, lon: e.lon, value: e.value, time: iso(e.timeMs) };
}

export async function queryEvents(ctx: QueryContext, req: EventsRequest): Promise<EventsAnswer> {
  const decision = chooseCoverLength(req.box, req.window, ctx.layout, ctx.now(), ctx.maxPartitions);
  if (!decision.ok) {
    return refuse(
      decision.message,
      decision.reason === "too_large" ? "QUERY_TOO_LARGE" : "QUERY_INVALID",
    );
  }
  const { level, window } = decision.cost;
  if (decision.cost.cells > req.budget.rowsLeft()) {
    req.budget.exhausted(
      `the box covers ${decision.cost.cells} cells of geohash length ${level.length}, at least one row read each`,
    );
  }
  const cells = cellsInBox(req.box, level.length).map((c) => ({
    hash: c.hash,
    inside: boxHoldsCell(req.box, c),
  }));
  const result = await ctx.events.newestInBox(level.length, {
    box: req.box,
    cells,
    buckets: bucketsBetween(window, level),
    window,
    limit: req.limit,
    budget: req.budget,
  });
  return {
    length: level.length,
    from: iso(window.fromMs),
    to: iso(window.toMs),
    events: result.rows.map(eventJson),
    truncated: result.truncated,
    partitions: result.partitions,
    rowsRead: req.budget.rowsRead,
  };
}
