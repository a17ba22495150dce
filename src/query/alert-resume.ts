/**
 * The archive side of the alert stream: what a client that reconnects with a cursor missed. The
 * archive is read by event time (its clustering order), from the cursor's detection time less a
 * lookback (an event may be detected a while after it happened) to now plus the future skew the
 * detector accepts; of those, the alerts after the cursor in stream order are replayed.
 */
import type { AnomalyAlert } from "../domain/detect/alert.js";
import { ALERT_BUCKET_MS, ALERT_REGION_LENGTH } from "../domain/detect/alert-archive.js";
import type { Box } from "../domain/geo/cover.js";
import { alertsAfter, type StreamKey } from "../domain/query/stream-cursor.js";
import { isGeoAnomalyError } from "../errors.js";
import { readAnomalies } from "./anomalies-query.js";
import { refuse, type QueryContext } from "./context.js";
import type { ReadBudget } from "./ports.js";

/** Most alerts one resume replays; a client further behind reconnects without a cursor. */
export const MAX_RESUMED_ALERTS = 10_000;

export interface ResumeRequest {
  readonly box: Box;
  readonly cursor: StreamKey;
  /** How far before the cursor's detection time events are looked for (API_STREAM_RESUME_LOOKBACK_MS). */
  readonly lookbackMs: number;
  /** How far past now an event may lie (MAX_FUTURE_SKEW_MS). */
  readonly futureMs: number;
  readonly budget: ReadBudget;
}

/** The archived alerts in the box after the cursor, in stream order. */
export async function alertsSince(
  ctx: QueryContext,
  req: ResumeRequest,
): Promise<{ alert: AnomalyAlert; key: StreamKey }[]> {
  const now = ctx.now();
  if (req.cursor.detectedMs > now + req.futureMs) {
    refuse(
      "Last-Event-ID: the cursor lies in the future; reconnect without it to follow the live alerts",
      "QUERY_INVALID",
    );
  }
  const read = await readAnomalies(ctx, {
    box: req.box,
    window: { fromMs: req.cursor.detectedMs - req.lookbackMs, toMs: now + req.futureMs },
    limit: MAX_RESUMED_ALERTS,
    budget: req.budget,
  }).catch((err: unknown) => {
    if (isGeoAnomalyError(err, "QUERY_TOO_LARGE")) {
      refuse(
        `${err.message}. The cursor is too old to resume from in this box ` +
          `(regions of geohash length ${ALERT_REGION_LENGTH}, ${ALERT_BUCKET_MS / 60_000}-min buckets): ` +
          "reconnect without Last-Event-ID, or read the gap with GET /v1/anomalies first",
        "QUERY_TOO_LARGE",
      );
    }
    throw err;
  });
  // The cursor is older than the archive keeps: nothing of it can be replayed.
  if (read === undefined) {
    refuse(
      "Last-Event-ID: the cursor is older than the alert archive keeps; reconnect without it",
      "QUERY_INVALID",
    );
  }
  // Rows past the limit are older by event time, and any of them may be after the cursor.
  if (read.result.truncated) {
    refuse(
      `more than ${MAX_RESUMED_ALERTS} alerts in the box since the cursor (lookback included): ` +
        "reconnect without Last-Event-ID, or narrow the box",
      "QUERY_TOO_LARGE",
    );
  }
  return alertsAfter(read.result.rows, req.cursor);
}
