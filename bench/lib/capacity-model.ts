/**
 * What the hardware allows: from the raw Cassandra capacity measured on this machine (single-row
 * inserts/s; reads/s of single partitions at a few sizes and, optionally, of one multi-partition
 * `IN` read) and the mean cost of one check (writes, partitions read, rows read, read statements),
 * the most checks per second Cassandra could serve, and the pipeline's share of that limit.
 * Pure arithmetic, so the model is stated once and unit-tested.
 *
 * The model: every statement uses up a fixed amount of the machine. An insert takes
 * 1/insertsPerSecond of a second of the whole machine (measured with nothing else of ours
 * running). A read statement over m partitions returning r rows from each takes
 * `s + m·(a + b·r)` seconds: a per-statement part `s` (request, coordinator, response), a
 * per-partition part `a` and a per-row part `b`, fitted to the measured reads/s (see
 * {@link fitReadCost}). Statements of different kinds add up, so one check costs
 *
 *     seconds per check = writes / insertsPerSecond + statements · s + partitions · a + rows · b
 *
 * and the limit is its inverse. When grouped inserts (one unlogged batch of B rows, as the
 * detector writes) were measured too, a write statement and a written row are priced apart, from
 * the two points (1 row at insertsPerSecond, B rows at groupedInserts.statementsPerSecond):
 * `writes · w + rowsWritten · r` replaces `writes / insertsPerSecond` (see {@link fitWriteCost}).
 * Without that point every write statement is charged as one single-row insert, which prices a
 * grouped write of 40 rows as if it were one row. Costs are linear, so the mean cost per check gives the mean time
 * exactly: pass means, not medians. The capacity is measured with the driver in one client
 * process on the same machine, as the detector runs it, so the client's CPU is inside the figure;
 * Kafka and the detector's own work are not, so the limit is an upper bound for the pipeline.
 */

/** Single-partition reads/s measured while each read returned `rowsPerPartition` rows. */
export interface ReadCapacityPoint {
  readonly rowsPerPartition: number;
  readonly partitionReadsPerSecond: number;
}

/** Reads/s of one statement over `partitionsPerRead` partitions (`cell IN ?`), r rows from each. */
export interface MultiPartitionReadPoint {
  readonly partitionsPerRead: number;
  readonly rowsPerPartition: number;
  readonly readsPerSecond: number;
}

/** Statements/s of one unlogged batch of `rowsPerStatement` rows (the detector's grouped write). */
export interface GroupedInsertPoint {
  readonly rowsPerStatement: number;
  readonly statementsPerSecond: number;
}

/** The measured capacity the model needs (a subset of the capacity scenario's figures). */
export interface CapacityInput {
  readonly insertsPerSecond: number;
  readonly groupedInserts?: GroupedInsertPoint | null;
  readonly byRowsPerPartition: readonly ReadCapacityPoint[];
  readonly multiPartitionReads?: MultiPartitionReadPoint | null;
}

/**
 * The fitted cost of reads, in seconds of machine time: a statement over m partitions of r rows
 * each costs `secondsPerStatement + m · max(minSecondsPerPartition, secondsPerPartition +
 * secondsPerRow · r)`. `statementCostKnown` is false when no multi-partition read was measured:
 * the fixed cost of a read is then all charged per partition, the pessimistic choice for checks
 * that read several partitions in one statement.
 */
export interface ReadCost {
  readonly secondsPerStatement: number;
  readonly secondsPerPartition: number;
  readonly secondsPerRow: number;
  readonly minSecondsPerPartition: number;
  readonly statementCostKnown: boolean;
}

/** The mean cost of one check, as the detector's metrics or trace report it. */
export interface CheckCost {
  /** Write statements per check (a single-row insert, or one grouped write of many rows). */
  readonly writes: number;
  /** Rows written per check (one per stored geohash length); priced apart when known. */
  readonly rowsWritten?: number;
  /** Partitions read per check (each partition of a multi-partition `IN` counts). */
  readonly partitionsRead: number;
  /** Rows returned per check, over all its partitions. */
  readonly rowsRead: number;
  /** CQL read statements per check; default: one per partition (single-partition reads). */
  readonly readStatements?: number;
}

export interface CheckLimit {
  /** Most checks/s the measured capacity allows; null when the capacity is unusable (0 or missing). */
  readonly limitChecksPerSecond: number | null;
  /** Machine seconds one check takes; null with the limit. */
  readonly secondsPerCheck: number | null;
  /** Where a check's time goes (shares summing to 1). */
  readonly shares: {
    readonly writes: number;
    readonly statements: number;
    readonly partitions: number;
    readonly rows: number;
  };
  readonly readCost: ReadCost | null;
  readonly writeCost: WriteCost | null;
}

/** Seconds of machine time per write statement and per row written. */
export interface WriteCost {
  readonly secondsPerStatement: number;
  readonly secondsPerRow: number;
}

const usable = (v: number): boolean => Number.isFinite(v) && v > 0;

/** One measured read: `seconds` per statement of `partitions` partitions and `rows` rows. */
interface Observation {
  readonly partitions: number;
  readonly rows: number;
  readonly seconds: number;
}

/** Least squares of y on the chosen columns; null when they are collinear on these points. */
function leastSquares(
  rows: readonly (readonly number[])[],
  ys: readonly number[],
): { coef: number[]; residual: number } | null {
  const k = rows[0]?.length ?? 0;
  // Normal equations (XᵀX) c = Xᵀy, solved by Gaussian elimination with partial pivoting.
  const m = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k + 1 }, (_, j) =>
      rows.reduce((s, r, n) => s + (r[i] ?? 0) * (j < k ? (r[j] ?? 0) : (ys[n] ?? 0)), 0),
    ),
  );
  const scale = Math.max(1e-300, ...m.map((r, i) => Math.abs(r[i] ?? 0)));
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) {
      if (Math.abs(m[r]?.[col] ?? 0) > Math.abs(m[pivot]?.[col] ?? 0)) pivot = r;
    }
    const p = m[pivot];
    if (p === undefined || Math.abs(p[col] ?? 0) <= scale * 1e-9) return null;
    [m[col], m[pivot]] = [p, m[col] ?? p];
    for (let r = 0; r < k; r++) {
      const row = m[r];
      if (r === col || row === undefined) continue;
      const factor = (row[col] ?? 0) / (p[col] ?? 1);
      for (let j = col; j <= k; j++) row[j] = (row[j] ?? 0) - factor * (p[j] ?? 0);
    }
  }
  const coef = m.map((r, i) => (r[k] ?? 0) / (r[i] ?? 1));
  const residual = rows.reduce((s, r, n) => {
    const fit = r.reduce((t, x, j) => t + x * (coef[j] ?? 0), 0);
    return s + (fit - (ys[n] ?? 0)) ** 2;
  }, 0);
  return { coef, residual };
}

/**
 * Parameter subsets tried, in order of preference on equal fit: per-partition before
 * per-statement, so without a multi-partition point the fixed cost is charged per partition.
 */
const SUBSETS: readonly (readonly ("s" | "a" | "b")[])[] = [
  ["a", "b"],
  ["s", "a", "b"],
  ["a"],
  ["b"],
  ["s", "a"],
  ["s", "b"],
  ["s"],
];

/**
 * Fits the read cost to the measured reads (points without reads/s are ignored).
 * - Two or more observations: non-negative least squares of seconds per statement against
 *   (1, partitions, rows), by trying every subset of the parameters and keeping the best fit
 *   whose parameters are all >= 0 (noise must not make rows or partitions free or negative).
 * - One single-partition size r₀ read at R₀/s: a partition costs at least that read (1/R₀) and
 *   rows beyond r₀ cost at its rows/s, R₀·r₀ (so more rows are never free).
 */
export function fitReadCost(
  points: readonly ReadCapacityPoint[],
  multi: MultiPartitionReadPoint | null = null,
): ReadCost | null {
  const obs: Observation[] = points
    .filter(
      (p) =>
        usable(p.partitionReadsPerSecond) &&
        Number.isFinite(p.rowsPerPartition) &&
        p.rowsPerPartition >= 0,
    )
    .map((p) => ({
      partitions: 1,
      rows: p.rowsPerPartition,
      seconds: 1 / p.partitionReadsPerSecond,
    }));
  const multiUsable =
    multi !== null &&
    usable(multi.readsPerSecond) &&
    Number.isInteger(multi.partitionsPerRead) &&
    multi.partitionsPerRead > 1 &&
    multi.rowsPerPartition >= 0;
  if (multiUsable) {
    obs.push({
      partitions: multi.partitionsPerRead,
      rows: multi.partitionsPerRead * multi.rowsPerPartition,
      seconds: 1 / multi.readsPerSecond,
    });
  }
  const first = obs[0];
  if (first === undefined) return null;
  if (obs.length === 1) {
    const perPartition = first.seconds / first.partitions;
    return {
      secondsPerStatement: 0,
      secondsPerPartition: first.rows === 0 ? perPartition : 0,
      secondsPerRow: first.rows === 0 ? 0 : first.seconds / first.rows,
      minSecondsPerPartition: first.rows === 0 ? 0 : perPartition,
      statementCostKnown: false,
    };
  }
  const column = {
    s: (_: Observation) => 1,
    a: (o: Observation) => o.partitions,
    b: (o: Observation) => o.rows,
  };
  const ys = obs.map((o) => o.seconds);
  let best: { params: Record<"s" | "a" | "b", number>; residual: number } | null = null;
  for (const subset of SUBSETS) {
    const fit = leastSquares(
      obs.map((o) => subset.map((name) => column[name](o))),
      ys,
    );
    if (fit === null || fit.coef.some((c) => c < 0)) continue;
    if (best !== null && fit.residual >= best.residual * (1 - 1e-9) - 1e-30) continue;
    const params = { s: 0, a: 0, b: 0 };
    subset.forEach((name, i) => (params[name] = fit.coef[i] ?? 0));
    best = { params, residual: fit.residual };
  }
  if (best === null) return null;
  return {
    secondsPerStatement: best.params.s,
    secondsPerPartition: best.params.a,
    secondsPerRow: best.params.b,
    minSecondsPerPartition: 0,
    statementCostKnown: multiUsable,
  };
}

/**
 * The cost of writes from single-row inserts/s and, when measured, grouped inserts/s of B rows:
 * `1/insertsPerSecond = w + r` and `1/statementsPerSecond = w + B·r`, solved with w, r >= 0
 * (noise that makes rows look free charges all to rows' share of the single insert). Null when
 * the grouped point is missing or unusable.
 */
export function fitWriteCost(
  insertsPerSecond: number,
  grouped: GroupedInsertPoint | null | undefined,
): WriteCost | null {
  if (grouped == null || !usable(insertsPerSecond) || !usable(grouped.statementsPerSecond)) {
    return null;
  }
  const b = grouped.rowsPerStatement;
  if (!(Number.isInteger(b) && b > 1)) return null;
  const single = 1 / insertsPerSecond;
  const batch = 1 / grouped.statementsPerSecond;
  const perRow = Math.max(0, (batch - single) / (b - 1));
  if (perRow > single) return { secondsPerStatement: 0, secondsPerRow: batch / b };
  return { secondsPerStatement: single - perRow, secondsPerRow: perRow };
}

/** Seconds of machine time one read statement of `partitions` partitions and `rows` rows takes. */
export function readSeconds(cost: ReadCost, partitions: number, rows: number): number {
  if (partitions <= 0) return 0;
  const perPartition = Math.max(
    cost.minSecondsPerPartition,
    cost.secondsPerPartition + (cost.secondsPerRow * rows) / partitions,
  );
  return cost.secondsPerStatement + partitions * perPartition;
}

/**
 * Checks/s the hardware allows for a check of `cost` (see the module comment for the model).
 * The check's rows are taken as spread evenly over its partitions, which is exact whenever the
 * read cost is linear (two or more measured sizes).
 */
export function checkLimit(cost: CheckCost, capacity: CapacityInput): CheckLimit {
  for (const [name, v] of Object.entries(cost)) {
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`check cost ${name} must be a finite number >= 0, got ${String(v)}`);
    }
  }
  const statements = cost.readStatements ?? cost.partitionsRead;
  if (cost.rowsRead > 0 && cost.partitionsRead === 0) {
    throw new RangeError("check cost reads rows from no partition");
  }
  if (cost.partitionsRead > 0 && statements === 0) {
    throw new RangeError("check cost reads partitions with no statement");
  }
  const readCost = fitReadCost(capacity.byRowsPerPartition, capacity.multiPartitionReads ?? null);
  const none: CheckLimit = {
    limitChecksPerSecond: null,
    secondsPerCheck: null,
    shares: { writes: 0, statements: 0, partitions: 0, rows: 0 },
    readCost,
    writeCost: null,
  };
  if (cost.writes > 0 && !usable(capacity.insertsPerSecond)) return none;
  if (cost.partitionsRead > 0 && readCost === null) return none;
  const writeCost =
    cost.rowsWritten === undefined
      ? null
      : fitWriteCost(capacity.insertsPerSecond, capacity.groupedInserts);
  const writeSeconds =
    cost.writes <= 0
      ? 0
      : writeCost !== null && cost.rowsWritten !== undefined
        ? cost.writes * writeCost.secondsPerStatement + cost.rowsWritten * writeCost.secondsPerRow
        : cost.writes / capacity.insertsPerSecond;
  let statementSeconds = 0;
  let partitionSeconds = 0;
  let rowSeconds = 0;
  if (cost.partitionsRead > 0 && readCost !== null) {
    statementSeconds = statements * readCost.secondsPerStatement;
    const rowsPerPartition = cost.rowsRead / cost.partitionsRead;
    const linear = readCost.secondsPerPartition + readCost.secondsPerRow * rowsPerPartition;
    // On the floor of a single measured size the whole read counts as per-partition cost.
    const onFloor = linear < readCost.minSecondsPerPartition;
    rowSeconds = onFloor ? 0 : readCost.secondsPerRow * cost.rowsRead;
    partitionSeconds =
      cost.partitionsRead * Math.max(readCost.minSecondsPerPartition, linear) - rowSeconds;
  }
  const total = writeSeconds + statementSeconds + partitionSeconds + rowSeconds;
  if (!(total > 0)) return none;
  return {
    limitChecksPerSecond: 1 / total,
    secondsPerCheck: total,
    shares: {
      writes: writeSeconds / total,
      statements: statementSeconds / total,
      partitions: partitionSeconds / total,
      rows: rowSeconds / total,
    },
    readCost,
    writeCost,
  };
}

/** The pipeline's sustained checks/s as a share of the limit (1 = all the hardware allows). */
export function shareOfLimit(
  checksPerSecond: number | null | undefined,
  limitChecksPerSecond: number | null | undefined,
): number | null {
  if (checksPerSecond == null || limitChecksPerSecond == null) return null;
  if (!Number.isFinite(checksPerSecond) || !usable(limitChecksPerSecond)) return null;
  return checksPerSecond / limitChecksPerSecond;
}
