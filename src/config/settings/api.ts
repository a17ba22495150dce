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
