/**
 * Incoming events: the one place where untrusted Kafka bytes become a typed GeoEvent,
 * or a dead-letter reason that says precisely what was wrong.
 */

/** A validated event; every other domain module trusts these fields. */
export interface GeoEvent {
  readonly id: string;
  readonly lat: number;
  readonly lon: number;
  readonly value: number;
  readonly timeMs: number;
}

/** Where the record came from: supplies the fallback id and time. */
export interface RecordContext {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestampMs: number;
}

/** Bounds that keep oversized or badly timed records out of the store. */
export interface ValidationLimits {
  readonly maxBytes: number;
  readonly maxPastSkewMs: number;
  readonly maxFutureSkewMs: number;
}

/** Every reason a record can be dead-lettered; stable strings for metrics and headers. */
export const DEAD_LETTER_REASONS = [
  "empty",
  "too_large",
  "not_utf8",
  "not_json",
  "not_object",
  "bad_id",
  "bad_lat",
  "bad_lon",
  "bad_value",
  "bad_time",
  "time_skew",
  // A valid event the store refused to take (see EVENT_REJECTED): retrying cannot change it.
  "store_rejected",
  // A fetched record batch that could not be decompressed or decoded: one dead letter per range.
  "undecodable_batch",
] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export type ParseResult =
  { ok: true; event: GeoEvent } | { ok: false; reason: DeadLetterReason; detail: string };

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** 64 KiB per record, a week of lateness, five minutes of producer clock drift. */
export const DEFAULT_LIMITS: ValidationLimits = {
  maxBytes: 65_536,
  maxPastSkewMs: 7 * DAY_MS,
  maxFutureSkewMs: 5 * MINUTE_MS,
};

/** Longest accepted id, in UTF-16 code units. */
export const MAX_ID_LENGTH = 256;

const utf8 = new TextDecoder("utf-8", { fatal: true });

// YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH:MM)
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `${ms} ms` : d.toISOString();
}

function fail(reason: DeadLetterReason, detail: string): ParseResult {
  return { ok: false, reason, detail };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.slice(0, 40))}`;
  if (typeof v === "number") return String(v);
  return `a ${typeof v}`;
}

/** Parses an ISO-8601 date-time with an explicit zone; NaN when the shape or calendar is wrong. */
export function parseIsoDateTime(s: string): number {
  const m = ISO_DATE_TIME.exec(s);
  if (m === null) return Number.NaN;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0").slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return Number.NaN;
  }
  let offsetMin = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return Number.NaN;
    offsetMin = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC silently rolls 2024-02-30 over to March; reject instead.
  if (new Date(local).getUTCDate() !== day) return Number.NaN;
  return local - offsetMin * MINUTE_MS;
}

function parseTime(raw: unknown, fallbackMs: number): number | string {
  if (raw === undefined) return fallbackMs;
  if (typeof raw === "number") {
    if (!Number.isFinite(raw) || raw < 0)
      return `time ${describe(raw)} is not a non-negative epoch-ms number`;
    return Math.floor(raw);
  }
  if (typeof raw === "string") {
    const ms = parseIsoDateTime(raw);
    if (Number.isNaN(ms)) {
      return `time ${describe(raw)} is not an ISO-8601 date-time with a zone (e.g. 2024-05-01T12:00:00Z)`;
    }
    return ms;
  }
  return `time is ${describe(raw)}, expected epoch milliseconds or an ISO-8601 string`;
}

function coordinateProblem(name: string, v: unknown, limit: number): string | undefined {
  if (typeof v !== "number")
    return `${name} is ${v === undefined ? "missing" : describe(v)}, expected a number`;
  if (!Number.isFinite(v) || v < -limit || v > limit) {
    return `${name} ${v} is outside [-${limit}, ${limit}]`;
  }
  return undefined;
}

/**
 * Turns one Kafka record value into a GeoEvent or a dead-letter decision; pure, so the consumer
 * can route every failure without try/catch and tests can pin each rule.
 */
export function parseEvent(
  value: Uint8Array | null,
  ctx: RecordContext,
  limits: ValidationLimits,
  nowMs: number,
): ParseResult {
  if (value === null || value.byteLength === 0) return fail("empty", "record value is empty");
  if (value.byteLength > limits.maxBytes) {
    return fail("too_large", `record value is ${value.byteLength} bytes, limit ${limits.maxBytes}`);
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return fail("not_utf8", "record value is not valid UTF-8");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail("not_json", `record value is not JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(parsed)) {
    return fail("not_object", `record value is ${describe(parsed)}, expected a JSON object`);
  }
  const field = (name: string): unknown => (Object.hasOwn(parsed, name) ? parsed[name] : undefined);

  const rawId = field("id");
  let id: string;
  if (rawId === undefined) {
    id = `${ctx.topic}-${ctx.partition}-${ctx.offset}`;
  } else if (typeof rawId !== "string" || rawId.length === 0 || rawId.length > MAX_ID_LENGTH) {
    return fail(
      "bad_id",
      `id is ${describe(rawId)}, expected a string of 1..${MAX_ID_LENGTH} chars`,
    );
  } else {
    id = rawId;
  }

  const latProblem = coordinateProblem("lat", field("lat"), 90);
  if (latProblem !== undefined) return fail("bad_lat", latProblem);
  const lonProblem = coordinateProblem("lon", field("lon"), 180);
  if (lonProblem !== undefined) return fail("bad_lon", lonProblem);

  const v = field("value");
  if (typeof v !== "number" || !Number.isFinite(v)) {
    return fail(
      "bad_value",
      `value is ${v === undefined ? "missing" : describe(v)}, expected a finite number`,
    );
  }

  const time = parseTime(field("time"), ctx.timestampMs);
  if (typeof time === "string") return fail("bad_time", time);
  if (time < nowMs - limits.maxPastSkewMs || time > nowMs + limits.maxFutureSkewMs) {
    const hint = time < 1e11 ? " (epoch seconds instead of milliseconds?)" : "";
    return fail(
      "time_skew",
      `time ${iso(time)} is outside the accepted window around ${iso(nowMs)}${hint}`,
    );
  }

  return {
    ok: true,
    event: { id, lat: field("lat") as number, lon: field("lon") as number, value: v, timeMs: time },
  };
}
