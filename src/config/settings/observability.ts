import { z } from "zod";
import { intIn, spec } from "./spec.js";

/** What the service tells about itself: check traces, the metrics server and the log level. */
export const OBSERVABILITY_SETTINGS = {
  traceSampleRate: spec(
    "TRACE_SAMPLE_RATE",
    "trace-sample-rate",
    "0",
    z.coerce.number().min(0).max(1),
    "share of checks whose search is kept for GET /trace (neighbour ids, window, distance bound): 0 off, 1 all",
  ),
  traceCapacity: spec(
    "TRACE_CAPACITY",
    "trace-capacity",
    "10000",
    intIn(1, 1_000_000),
    "traced checks kept in memory for GET /trace (oldest dropped first)",
  ),
  metricsPort: spec(
    "METRICS_PORT",
    "metrics-port",
    "9464",
    intIn(0, 65_535),
    "port of /metrics, /healthz, /readyz (0: off)",
  ),
  metricsHost: spec(
    "METRICS_HOST",
    "metrics-host",
    "127.0.0.1",
    z.string().min(1, "must name an address"),
    "address the metrics and health server binds (0.0.0.0 for scrapers and probes outside the host or container)",
  ),
  logLevel: spec(
    "LOG_LEVEL",
    "log-level",
    "info",
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    "pino log level",
  ),
} as const;
