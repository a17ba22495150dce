/**
 * The live alert stream's order and its resume cursor. Alerts go out in detection order
 * (`detectedAt`, then event id): an order the alert archive can reproduce, because every archived
 * alert carries both. A cursor names a place in that order, so a client that reconnects with it
 * gets from the archive exactly the alerts after it, and the live feed is joined at that seam
 * without a gap or a repeat.
 *
 * The cursor is text a browser may send back in `Last-Event-ID`: `<detectedAt ms>.<event id as
 * base64url>`. Event ids are up to 256 characters of anything, line breaks included, which an SSE
 * `id:` field cannot carry as they are.
 */
import type { AnomalyAlert } from "../detect/alert.js";

/** A place in the stream's order. */
export interface StreamKey {
  /** Detection time of the alert, epoch ms. */
  readonly detectedMs: number;
  readonly eventId: string;
}

/** Longest cursor accepted: a 13-digit time, a dot and 256 UTF-8 characters as base64url. */
const MAX_CURSOR_LENGTH = 32 + Math.ceil((256 * 4 * 4) / 3);

/** The alert's place in the stream. */
export function streamKey(alert: AnomalyAlert): StreamKey {
  return { detectedMs: Date.parse(alert.detectedAt), eventId: alert.event.id };
}

/** Negative when `a` comes first, positive when `b` does, 0 for the same place. */
export function compareKeys(a: StreamKey, b: StreamKey): number {
  if (a.detectedMs !== b.detectedMs) return a.detectedMs - b.detectedMs;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/** The later of two places (the first when equal). */
export function laterKey(a: StreamKey, b: StreamKey): StreamKey {
  return compareKeys(a, b) >= 0 ? a : b;
}

/** The cursor text of a place: safe in an SSE `id:` field and an HTTP header. */
export function encodeCursor(key: StreamKey): string {
  return `${key.detectedMs}.${Buffer.from(key.eventId, "utf8").toString("base64url")}`;
}

/** Reads a cursor, or says why it is not one. */
export function decodeCursor(text: string): { key: StreamKey } | { error: string } {
  const rule = "must be an id this stream sent (<detection ms>.<event id as base64url>)";
  if (text.length > MAX_CURSOR_LENGTH) return { error: `${rule}; got ${text.length} characters` };
  const m = /^(\d{1,15})\.([A-Za-z0-9_-]{2,})$/.exec(text);
  if (m === null) return { error: `${rule}; got "${text.slice(0, 80)}"` };
  const detectedMs = Number(m[1]);
  const eventId = Buffer.from(m[2] ?? "", "base64url").toString("utf8");
  // base64url that does not round-trip was not made by encodeCursor.
  if (eventId === "" || Buffer.from(eventId, "utf8").toString("base64url") !== m[2]) {
    return { error: `${rule}; its event id part is not base64url of an id` };
  }
  return { key: { detectedMs, eventId } };
}

/** The alerts strictly after `cursor`, in stream order. */
export function alertsAfter(
  alerts: readonly AnomalyAlert[],
  cursor: StreamKey,
): { alert: AnomalyAlert; key: StreamKey }[] {
  return alerts
    .map((alert) => ({ alert, key: streamKey(alert) }))
    .filter((a) => Number.isFinite(a.key.detectedMs) && compareKeys(a.key, cursor) > 0)
    .sort((a, b) => compareKeys(a.key, b.key));
}
