import { z } from "zod";

/**
 * Every setting of the service in one table: its environment variable, its
 * flag, what it means, its default and how it is validated. `--help`, the
 * README's table and the loader are all built from this list.
 */
export interface SettingSpec<T> {
  readonly env: string;
  readonly flag: string;
  readonly description: string;
  readonly default: string;
  readonly schema: z.ZodType<T>;
  /** A secret: its value is never logged, shown in --help or repeated in an error message. */
  readonly secret?: boolean;
}

const intIn = (min: number, max: number): z.ZodType<number> =>
  z.coerce.number().int(`must be a whole number`).min(min).max(max);
const list = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== ""),
  )
  .pipe(z.array(z.string()).min(1, "must list at least one value"));
const hostPorts = list.pipe(
  z.array(z.string().regex(/^[^\s:]+(:\d{1,5})?$/, "each entry must be host or host:port")),
);
const topicName = z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, "must be a valid Kafka topic name");
const cqlName = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, "must be a lower-case CQL identifier");
const lengthList = list
  .transform((items) => items.map(Number))
  .pipe(
    z
      .array(z.number().int("each length must be a whole number").min(1).max(12))
      .refine((a) => new Set(a).size === a.length, "must not repeat a length"),
  );
const lengths = z.union([z.literal("auto"), lengthList], {
  error: "must be 'auto' or a comma-separated list of whole numbers in 1..12 without repeats",
});
const positive = (max: number): z.ZodType<number> => z.coerce.number().positive().max(max);

function spec<T>(
  env: string,
  flag: string,
  def: string,
  schema: z.ZodType<T>,
  description: string,
  secret = false,
): SettingSpec<T> {
  return { env, flag, default: def, schema, description, ...(secret ? { secret } : {}) };
}

const onOff = z.enum(["true", "false"], "must be true or false").transform((v) => v === "true");

export const SETTINGS = {
  kafkaBrokers: spec(
    "KAFKA_BROKERS",
    "kafka-brokers",
    "127.0.0.1:9092",
    hostPorts,
    "Kafka bootstrap brokers, comma-separated host:port",
  ),
  kafkaClientId: spec(
    "KAFKA_CLIENT_ID",
    "kafka-client-id",
    "geoanomaly",
    z.string().min(1),
    "Kafka client id",
  ),
  groupId: spec(
    "KAFKA_GROUP_ID",
    "group-id",
    "geoanomaly-detector",
    z.string().min(1),
    "consumer group of the detector",
  ),
  sessionTimeoutMs: spec(
    "KAFKA_SESSION_TIMEOUT_MS",
    "session-timeout-ms",
    "30000",
    intIn(6000, 300_000),
    "consumer group session timeout: how soon a dead detector's partitions move",
  ),
  shutdownTimeoutMs: spec(
    "SHUTDOWN_TIMEOUT_MS",
    "shutdown-timeout-ms",
    "30000",
    intIn(1000, 600_000),
    "how long SIGTERM may take (finish in-flight work, commit, disconnect) before the process exits with code 1; uncommitted events are redelivered",
  ),
  inputTopic: spec(
    "INPUT_TOPIC",
    "input-topic",
    "geo-events",
    topicName,
    "topic the events arrive on",
  ),
  deadLetterTopic: spec(
    "DLQ_TOPIC",
    "dlq-topic",
    "geo-events.dlq",
    topicName,
    "topic malformed events are sent to, with the reason in headers",
  ),
  alertTopic: spec(
    "ALERT_TOPIC",
    "alert-topic",
    "geo-anomalies",
    topicName,
    "topic anomaly alerts are published to",
  ),
  topicPartitions: spec(
    "TOPIC_PARTITIONS",
    "topic-partitions",
    "6",
    intIn(1, 10_000),
    "partitions of topics the detector creates when missing",
  ),
  topicReplication: spec(
    "TOPIC_REPLICATION",
    "topic-replication",
    "1",
    intIn(1, 10),
    "replication factor of topics the detector creates",
  ),
  cassandraContactPoints: spec(
    "CASSANDRA_CONTACT_POINTS",
    "cassandra-contact-points",
    "127.0.0.1:9042",
    hostPorts,
    "Cassandra contact points, comma-separated host[:port]",
  ),
  cassandraLocalDc: spec(
    "CASSANDRA_LOCAL_DC",
    "cassandra-local-dc",
    "datacenter1",
    z.string().min(1),
    "Cassandra local datacenter (load balancing)",
  ),
  cassandraKeyspace: spec(
    "CASSANDRA_KEYSPACE",
    "cassandra-keyspace",
    "geoanomaly",
    cqlName,
    "keyspace holding one table per geohash length",
  ),
  cassandraReplication: spec(
    "CASSANDRA_REPLICATION",
    "cassandra-replication",
    "SimpleStrategy:1",
    z
      .string()
      .regex(
        /^(SimpleStrategy:\d+|NetworkTopologyStrategy:([A-Za-z0-9_-]+=\d+)(,[A-Za-z0-9_-]+=\d+)*)$/,
        "must be SimpleStrategy:N or NetworkTopologyStrategy:dc=N[,dc=N]",
      ),
    "keyspace replication used by 'schema apply'",
  ),
  cassandraConsistency: spec(
    "CASSANDRA_CONSISTENCY",
    "cassandra-consistency",
    "localQuorum",
    z.enum(["one", "localOne", "localQuorum", "quorum", "all"]),
    "consistency level of writes and reads",
  ),
  cassandraUsername: spec(
    "CASSANDRA_USERNAME",
    "cassandra-username",
    "",
    z.string(),
    "Cassandra user (empty: no authentication)",
  ),
  cassandraPassword: spec(
    "CASSANDRA_PASSWORD",
    "cassandra-password",
    "",
    z.string(),
    "Cassandra password",
    true,
  ),
  geohashLengths: spec(
    "GEOHASH_LENGTHS",
    "geohash-lengths",
    "auto",
    lengths,
    "geohash lengths stored and searched (one table each); auto: 8 down to the coarsest length a search within MAX_NEIGHBOUR_DISTANCE_M can use",
  ),
  mapLengths: spec(
    "MAP_LENGTHS",
    "map-lengths",
    "2,3",
    z.union([z.literal("none"), lengthList], {
      error: "must be 'none' or a comma-separated list of whole numbers in 1..12 without repeats",
    }),
    "coarse lengths also stored (with GEOHASH_LENGTHS=auto) so the map can show the world and continents (zooms 0-5); none: zoomed-out maps are refused, two writes fewer per event",
  ),
  layoutEventsPerSecond: spec(
    "LAYOUT_EVENTS_PER_SECOND",
    "layout-events-per-second",
    "2000",
    positive(1e9),
    "traffic the per-length buckets, horizons and TTLs are sized for (events/s worldwide)",
  ),
  layoutRowBytes: spec(
    "LAYOUT_ROW_BYTES",
    "layout-row-bytes",
    "120",
    positive(1e6),
    "bytes of one stored row, for the layout's partition sizing",
  ),
  layoutPartitionMb: spec(
    "LAYOUT_PARTITION_MB",
    "layout-partition-mb",
    "50",
    positive(1e5),
    "partition size (decimal MB) the layout keeps the hottest cell's partitions under",
  ),
  layoutHotCellShare: spec(
    "LAYOUT_HOT_CELL_SHARE",
    "layout-hot-cell-share",
    "0.4",
    z.coerce
      .number()
      .min(1 / 32, "must be at least 1/32 (uniform)")
      .max(1),
    "clumping of the layout's sizing: share of a cell's traffic its hottest child cell gets",
  ),
  searchK: spec("SEARCH_K", "k", "50", intIn(1, 1000), "neighbours wanted per check"),
  maxNeighbourDistanceM: spec(
    "MAX_NEIGHBOUR_DISTANCE_M",
    "max-neighbour-distance-m",
    "25000",
    positive(20_037_509),
    "farthest another event may be and still count as a neighbour (metres): the spatial scale of a place",
  ),
  searchMaxCells: spec(
    "SEARCH_MAX_CELLS",
    "search-max-cells",
    "64",
    intIn(1, 1024),
    "most cells one search read may touch; also sets the coarsest stored length (GEOHASH_LENGTHS=auto): the finest that covers MAX_NEIGHBOUR_DISTANCE_M in this many cells",
  ),
  searchPartitionCost: spec(
    "SEARCH_PARTITION_COST_ROWS",
    "search-partition-cost-rows",
    "15",
    z.coerce.number().min(0).max(100_000),
    "what reading one more partition costs in rows (from the bench's Cassandra capacity): how a search weighs finer cells against rows from beyond its circle",
  ),
  searchMaxReads: spec(
    "SEARCH_MAX_READS",
    "search-max-reads",
    "5",
    intIn(1, 20),
    "reads after which a search stops widening (its neighbours are then exact only within the covered radius)",
  ),
  searchStartRadiusM: spec(
    "SEARCH_START_RADIUS_M",
    "search-start-radius-m",
    "2000",
    positive(20_037_509),
    "radius of the first read where no earlier search around the place says better (metres)",
  ),
  rowsPerPartition: spec(
    "SEARCH_ROWS_PER_PARTITION",
    "rows-per-partition",
    "250",
    intIn(1, 100_000),
    "newest rows a search reads from one (cell, bucket) partition; a partition that has more shortens the time window to what was read",
  ),
  minNeighbours: spec(
    "MIN_NEIGHBOURS",
    "min-neighbours",
    "20",
    intIn(1, 1000),
    "fewer neighbours within the distance bound gives 'insufficient' (never an alert)",
  ),
  scorer: spec(
    "SCORER",
    "scorer",
    "local",
    z.enum(["robust", "zscore", "cusum", "trend", "local"]),
    "robust (median/MAD), local (median/MAD whose uncertainty grows when the neighbours lie off to one side or on a gradient), trend (robust local plane), zscore (mean/sd) or cusum",
  ),
  threshold: spec(
    "THRESHOLD",
    "threshold",
    "4",
    z.coerce.number().positive().max(1e6),
    "an absolute score above this is an anomaly",
  ),
  checkBatchSize: spec(
    "CHECK_BATCH_SIZE",
    "check-batch-size",
    "500",
    intIn(1, 100_000),
    "most records of one fetched batch checked together (their writes grouped by partition, their searches' partitions read once); a larger batch is checked and committed in slices of this size",
  ),
  searchPartitionsPerRead: spec(
    "SEARCH_PARTITIONS_PER_READ",
    "search-partitions-per-read",
    "64",
    intIn(1, 10_000),
    "most (cell, bucket) partitions one read statement asks for; the searches of a batch read their partitions in statements of this size",
  ),
  writeBatchRows: spec(
    "WRITE_BATCH_ROWS",
    "write-batch-rows",
    "40",
    intIn(1, 10_000),
    "most rows one write statement carries: the rows of partitions that live on the same replicas go in one unlogged batch (about 100 bytes a row; Cassandra warns above batch_size_warn_threshold, 5 KiB by default, and above unlogged_batch_across_partitions_warn_threshold partitions, 10 by default); 1 writes every row on its own",
  ),
  concurrency: spec(
    "CONCURRENCY",
    "concurrency",
    "32",
    intIn(1, 4096),
    "Cassandra statements (reads and writes) one batch check has in flight",
  ),
  partitionsConcurrently: spec(
    "PARTITIONS_CONCURRENTLY",
    "partitions-concurrently",
    "6",
    intIn(1, 1000),
    "partitions processed at once by one consumer (a fetch's next round waits for its slowest batch, so at least the partitions one detector owns)",
  ),
  maxEventBytes: spec(
    "MAX_EVENT_BYTES",
    "max-event-bytes",
    "65536",
    intIn(64, 10_000_000),
    "larger messages are dead-lettered",
  ),
  maxPastSkewMs: spec(
    "MAX_PAST_SKEW_MS",
    "max-past-skew-ms",
    "604800000",
    intIn(0, 10 * 365 * 86_400_000),
    "events older than this are dead-lettered",
  ),
  maxFutureSkewMs: spec(
    "MAX_FUTURE_SKEW_MS",
    "max-future-skew-ms",
    "300000",
    intIn(0, 365 * 86_400_000),
    "events further in the future are dead-lettered",
  ),
  alertKeyLength: spec(
    "ALERT_KEY_LENGTH",
    "alert-key-length",
    "3",
    intIn(1, 12),
    "geohash length of the alert's Kafka key (region partitioning)",
  ),
  retryInitialMs: spec(
    "RETRY_INITIAL_MS",
    "retry-initial-ms",
    "100",
    intIn(1, 600_000),
    "first backoff after a transient Kafka or Cassandra error",
  ),
  retryMaxMs: spec("RETRY_MAX_MS", "retry-max-ms", "5000", intIn(1, 3_600_000), "longest backoff"),
  retryAttempts: spec(
    "RETRY_ATTEMPTS",
    "retry-attempts",
    "5",
    intIn(0, 1000),
    "retries before the partition is paused until the store answers",
  ),
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
  kafkaSaslMechanism: spec(
    "KAFKA_SASL_MECHANISM",
    "kafka-sasl-mechanism",
    "",
    z.enum(["", "plain", "scram-sha-256", "scram-sha-512"]),
    "Kafka SASL mechanism: plain, scram-sha-256 or scram-sha-512 (empty: no authentication)",
  ),
  kafkaUsername: spec("KAFKA_USERNAME", "kafka-username", "", z.string(), "Kafka SASL user"),
  kafkaPassword: spec(
    "KAFKA_PASSWORD",
    "kafka-password",
    "",
    z.string(),
    "Kafka SASL password",
    true,
  ),
  kafkaTls: spec(
    "KAFKA_TLS",
    "kafka-tls",
    "false",
    onOff,
    "connect to Kafka over TLS, verifying the brokers' certificates",
  ),
  kafkaCaFile: spec(
    "KAFKA_CA_FILE",
    "kafka-ca-file",
    "",
    z.string(),
    "PEM file of the CA that signed the brokers' certificates (empty: the system's trusted CAs)",
  ),
  cassandraTls: spec(
    "CASSANDRA_TLS",
    "cassandra-tls",
    "false",
    onOff,
    "connect to Cassandra over TLS, verifying the nodes' certificates",
  ),
  cassandraCaFile: spec(
    "CASSANDRA_CA_FILE",
    "cassandra-ca-file",
    "",
    z.string(),
    "PEM file of the CA that signed the Cassandra nodes' certificates (empty: the system's trusted CAs)",
  ),
  kafkaPasswordFile: spec(
    "KAFKA_PASSWORD_FILE",
    "kafka-password-file",
    "",
    z.string(),
    "file holding the Kafka SASL password, read at start with one trailing newline dropped (Docker and Kubernetes secrets); instead of KAFKA_PASSWORD, never with it",
  ),
  cassandraPasswordFile: spec(
    "CASSANDRA_PASSWORD_FILE",
    "cassandra-password-file",
    "",
    z.string(),
    "file holding the Cassandra password, read at start with one trailing newline dropped (Docker and Kubernetes secrets); instead of CASSANDRA_PASSWORD, never with it",
  ),
  allowPlaintextCredentials: spec(
    "ALLOW_PLAINTEXT_CREDENTIALS",
    "allow-plaintext-credentials",
    "false",
    onOff,
    "accept sending a user and password over a connection without TLS (Kafka SASL with KAFKA_TLS=false, a Cassandra login with CASSANDRA_TLS=false); refused at start otherwise",
  ),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Config = { readonly [K in SettingKey]: z.output<(typeof SETTINGS)[K]["schema"]> };
