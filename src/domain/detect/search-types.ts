/** The neighbour search's vocabulary: the stored lengths it sees, its bounds, its reads and its result. */
import type { Neighbour, Candidate } from "./neighbours.js";

/** A stored length as the search sees it: how far back it looks, and its partitions' time bucket. */
export interface SearchLevel {
  readonly length: number;
  readonly horizonMs: number;
  readonly bucketMs: number;
}

/** What bounds a search. */
export interface SearchPolicy {
  readonly k: number;
  /** Farther events are never neighbours: the spatial scale of "the same place". */
  readonly maxDistanceMeters: number;
  /** A read touches at most about this many cells (a length needing more is not used for it). */
  readonly maxCellsPerRead: number;
  /**
   * What reading one more partition costs, in rows: the exchange rate between finer cells (more
   * partitions, fewer rows from beyond the circle) and coarser ones, from measured capacity.
   */
  readonly partitionCostRows: number;
  /** Reads after which the search stops whatever it found (a hot spot cannot blow up a check). */
  readonly maxReads: number;
  /** Newest rows taken from one partition; a partition that fills it cuts the time window. */
  readonly rowsPerPartition: number;
  /** The stored lengths, any order. */
  readonly levels: readonly SearchLevel[];
}

/** One read: every stored row of these cells of one length with fromMs <= time <= toMs. */
export interface CellRead {
  readonly length: number;
  readonly cells: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly rowsPerPartition: number;
}

/** What storage returned for a read. */
export interface CellReadResult {
  readonly rows: readonly Candidate[];
  /** Partitions the read touched (cells × time buckets in a bucketed store). */
  readonly partitions: number;
  /**
   * Set when some partition returned `rowsPerPartition` rows: older rows may be missing, so the
   * read is complete only for rows at or after this time.
   */
  readonly completeFromMs?: number;
}

/**
 * How a search ended: `complete` (the k nearest within the bound, exactly), `bounded` (everything
 * within the distance bound was read and fewer than k are there), `budget` (maxReads reached:
 * the neighbours are exact only within `coveredRadiusMeters`).
 */
export type SearchOutcome = "complete" | "bounded" | "budget";

export interface SearchResult {
  /** Nearest first; at most k. */
  readonly neighbours: readonly Neighbour[];
  readonly outcome: SearchOutcome;
  /** The length of the last read (0 when nothing was read). */
  readonly stopLength: number;
  /** Every stored event within this distance and the window was read. */
  readonly coveredRadiusMeters: number;
  readonly maxDistanceMeters: number;
  readonly windowFromMs: number;
  readonly windowToMs: number;
  /** True when a partition's row limit shortened the window. */
  readonly windowCut: boolean;
  readonly reads: number;
  readonly rowsRead: number;
  readonly partitionsRead: number;
}

/** The circle a read must cover: its centre and radius. */
export interface ReadCircle {
  readonly lat: number;
  readonly lon: number;
  readonly radiusMeters: number;
}
