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
  "QUERY_TIMEOUT",
  "AUTH_FAILED",
  "TLS_FAILED",
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

/** Node's codes for a peer certificate that could not be verified (untrusted, wrong name, expired). */
const TLS_VERIFY_CODES =
  /SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED|CERT_UNTRUSTED|self[- ]signed certificate|unable to verify|unable to get (local )?issuer/i;

/**
 * The certificate-verification reason anywhere in an error, its causes or inner errors (the
 * innermost first, as one short line); undefined if none.
 */
export function tlsVerifyReason(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | undefined => {
    if (e === null || e === undefined || seen.has(e)) return undefined;
    seen.add(e);
    if (typeof e === "string") return TLS_VERIFY_CODES.test(e) ? e.split("\n")[0] : undefined;
    if (typeof e !== "object") return undefined;
    const o = e as { message?: unknown; code?: unknown; cause?: unknown; innerErrors?: unknown };
    const inner =
      o.innerErrors !== null && typeof o.innerErrors === "object"
        ? Object.values(o.innerErrors as Record<string, unknown>)
        : [];
    const aggregated: unknown[] = e instanceof AggregateError ? (e.errors as unknown[]) : [];
    for (const next of [o.cause, ...inner, ...aggregated]) {
      const found = visit(next);
      if (found !== undefined) return found;
    }
    for (const text of [o.message, o.code]) {
      if (typeof text === "string" && TLS_VERIFY_CODES.test(text)) return text.split("\n")[0];
    }
    return undefined;
  };
  return visit(err);
}
