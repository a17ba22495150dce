/**
 * What every query needs: the stored layout, the readers, the partition budget and a clock.
 * Built once by the composition root; the services are plain functions of it.
 */
import type { LevelLayout, LevelSpec } from "../domain/sizing/levels.js";
import { GeoAnomalyError } from "../errors.js";
import type { AlertReader, EventReader, SummaryReader } from "./ports.js";

export interface QueryContext {
  /** The lengths stored, longest first, with their buckets and TTLs. */
  readonly layout: LevelLayout;
  readonly events: EventReader;
  readonly alerts: AlertReader;
  /** The cluster summary: clusters of a precision up to its source length come from it. */
  readonly summary: SummaryReader;
  /** The length the summary is counted from (its TTL is the summary's). */
  readonly summarySource: LevelSpec;
  /** Most (cell, bucket) partitions one request may read. */
  readonly maxPartitions: number;
  readonly now: () => number;
}

/** A request the service refuses: too large to serve or outside what is kept; the API answers 400. */
export function refuse(message: string, code: "QUERY_TOO_LARGE" | "QUERY_INVALID"): never {
  throw new GeoAnomalyError(code, message);
}

/** Epoch ms as the ISO-8601 text the API answers. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
