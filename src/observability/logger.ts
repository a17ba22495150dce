import { pino, stdSerializers } from "pino";
import type { DestinationStream, Logger as PinoLogger } from "pino";

/** The product's logger type: pino's, so callers get its full API and child bindings. */
export type Logger = PinoLogger;

/** Options of {@link createLogger}; `destination` exists so tests can capture lines instead of stdout. */
export interface LoggerOptions {
  readonly level: string;
  readonly name?: string;
  readonly destination?: DestinationStream;
}

/**
 * Serializes errors with their `cause` chain and `code`, so a wrapped driver error keeps its
 * root cause in the log line (pino's default flattens or drops a non-enumerable `cause`).
 */
export function serializeError(err: unknown): unknown {
  const out = stdSerializers.errWithCause(err as Error) as unknown;
  if (typeof err !== "object" || err === null || typeof out !== "object" || out === null) {
    return out;
  }
  const source = err as { code?: unknown; cause?: unknown };
  const target = out as Record<string, unknown>;
  if (target.code === undefined && source.code !== undefined) target.code = source.code;
  // errWithCause only follows error-like causes; keep plain values (strings, objects) too.
  if (target.cause === undefined && source.cause !== undefined) target.cause = source.cause;
  return target;
}

/** Root logger: JSON lines on stdout with service, pid and ISO time, so any collector can parse them. */
export function createLogger(opts: LoggerOptions): Logger {
  const options = {
    level: opts.level,
    base: { service: "geoanomaly", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: serializeError, error: serializeError },
    ...(opts.name === undefined ? {} : { name: opts.name }),
  };
  return opts.destination === undefined ? pino(options) : pino(options, opts.destination);
}

/** Child logger bound to `{ component }`, so lines can be filtered by the part that wrote them. */
export function componentLogger(root: Logger, component: string): Logger {
  return root.child({ component });
}
