/**
 * One errors module: every failure the product raises on purpose carries a
 * stable `code`, an optional `cause`, and whether retrying can help.
 */
export const ERROR_CODES = [
  "CONFIG_INVALID",
  "JAVA_MISSING",
  "MAVEN_MISSING",
  "JAR_FETCH_FAILED",
  "SERVER_START_FAILED",
  "SERVER_PORT_BUSY",
  "STORE_WRITE_FAILED",
  "STORE_READ_FAILED",
  "EVENT_REJECTED",
  "BUS_PUBLISH_FAILED",
  "SHUTDOWN",
  "QUERY_INVALID",
  "QUERY_TOO_LARGE",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base error of the product; `retriable` tells callers whether backing off and retrying can succeed. */
export class GeoAnomalyError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "GeoAnomalyError";
    this.code = code;
    this.retriable = opts.retriable ?? false;
  }
}

/** Type guard instead of ad-hoc instanceof checks across module copies. */
export function isGeoAnomalyError(err: unknown, code?: ErrorCode): err is GeoAnomalyError {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === "GeoAnomalyError" && (code === undefined || e.code === code);
}

/** A message for people: the error's own message plus the chain of causes. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    if (current instanceof AggregateError) {
      parts.push(`${current.message}: ${current.errors.map((e) => describeError(e)).join("; ")}`);
      break;
    }
    parts.push(current instanceof Error ? current.message : JSON.stringify(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" <- ");
}
