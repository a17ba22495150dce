import { z } from "zod";
import { intIn, spec } from "./spec.js";

/** The query API and its map page: where it listens, what one request may cost, tokens, CORS and tiles. */
export const API_SETTINGS = {
  apiPort: spec(
    "API_PORT",
    "api-port",
    "8080",
    intIn(0, 65_535),
    "port of the query API and the map page ('serve', and 'demo'); 0 picks a free port",
  ),
  apiHost: spec(
    "API_HOST",
    "api-host",
    "127.0.0.1",
    z.string().min(1, "must name an address"),
    "address the query API binds (loopback by default; any other address without API_TOKENS_FILE logs a warning at start)",
  ),
  apiMaxPartitions: spec(
    "API_MAX_PARTITIONS",
    "api-max-partitions",
    "12000",
    intIn(1, 1_000_000),
    "most (cell, time bucket) partitions one API request may read; larger requests get a 400 saying how to narrow them",
  ),
  apiMaxRows: spec(
    "API_MAX_ROWS",
    "api-max-rows",
    "200000",
    intIn(1, 10_000_000),
    "most rows one API request may read from Cassandra; a request that would need more gets a 400 saying how to narrow it",
  ),
  apiRequestTimeoutMs: spec(
    "API_REQUEST_TIMEOUT_MS",
    "api-request-timeout-ms",
    "10000",
    intIn(100, 600_000),
    "wall time one API request may take (its Cassandra statements included); past it the answer is a 503",
  ),
  apiMaxConcurrent: spec(
    "API_MAX_CONCURRENT",
    "api-max-concurrent",
    "16",
    intIn(1, 10_000),
    "API queries served at once by one process; more get a 503 with Retry-After",
  ),
  apiTokensFile: spec(
    "API_TOKENS_FILE",
    "api-tokens-file",
    "",
    z.string(),
    "file of API tokens, one '<name> <scope> <sha256-hex>' per line ('geoanomaly token create' makes one); set: every /v1 request needs 'Authorization: Bearer <token>' (empty: no tokens)",
  ),
  apiCorsOrigins: spec(
    "API_CORS_ORIGINS",
    "api-cors-origins",
    "",
    z.string().refine(
      (s) =>
        s
          .split(",")
          .map((o) => o.trim())
          .filter((o) => o !== "")
          .every((o) => /^https?:\/\/[^/\s]+$/.test(o)),
      "must be empty or a comma-separated list of origins like https://maps.example:8443",
    ),
    "origins whose pages may call the API from a browser (CORS), comma-separated (empty: CORS off)",
  ),
  apiStreamMaxClients: spec(
    "API_STREAM_MAX_CLIENTS",
    "api-stream-max-clients",
    "200",
    intIn(1, 100_000),
    "live alert streams (GET /v1/alerts/stream) one API process holds open at once; more get a 503 with Retry-After",
  ),
  apiStreamHeartbeatMs: spec(
    "API_STREAM_HEARTBEAT_MS",
    "api-stream-heartbeat-ms",
    "15000",
    intIn(1000, 300_000),
    "interval of the comment line an idle alert stream sends, so proxies keep it open and a gone client is noticed",
  ),
  apiStreamReorderMs: spec(
    "API_STREAM_REORDER_MS",
    "api-stream-reorder-ms",
    "100",
    intIn(0, 5000),
    "how long the alert stream holds an alert from the topic so alerts arriving together go out in detection order (the resume cursor's order)",
  ),
  apiStreamResumeLookbackMs: spec(
    "API_STREAM_RESUME_LOOKBACK_MS",
    "api-stream-resume-lookback-ms",
    "300000",
    intIn(0, 86_400_000),
    "on a resume (Last-Event-ID), how far before the cursor's detection time the archive is read by event time: alerts of events older than this at detection are not replayed",
  ),
  apiSummaryCacheMs: spec(
    "API_SUMMARY_CACHE_MS",
    "api-summary-cache-ms",
    "1000",
    intIn(0, 60_000),
    "how long the API reuses the cluster summary's as-of time; summary rows read for one as-of time serve every request until it moves, so a zoomed-out answer can be this much older than the summary (0: read the summary for every request)",
  ),
  mapTileUrl: spec(
    "MAP_TILE_URL",
    "map-tile-url",
    "",
    z
      .string()
      .refine(
        (u) =>
          u === "" ||
          (/^(https?:\/\/|\/)/.test(u) && ["{z}", "{x}", "{y}"].every((p) => u.includes(p))),
        "must be empty or an http(s) or /-rooted URL template with {z}, {x} and {y}",
      ),
    "tile URL template of the map page's basemap, e.g. https://tiles.example/{z}/{x}/{y}.png (empty: country outlines from the packaged Natural Earth data)",
  ),
} as const;
