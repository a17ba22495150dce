/**
 * The small layout and search policy the pipeline's unit tests run over: lengths 8, 6, 4 and 3
 * stored, searched from 8 down to 4, a 25 km bound.
 */
import type { SearchPolicy } from "../../src/domain/detect/search.js";
import { defaultLayout } from "../../src/domain/sizing/layout.js";

export const TEST_LAYOUT = defaultLayout([8, 6, 4, 3]);

/** The test search policy with `k` neighbours wanted. */
export function testSearchPolicy(k: number): SearchPolicy {
  return {
    k,
    maxDistanceMeters: 25_000,
    maxCellsPerRead: 64,
    partitionCostRows: 15,
    maxReads: 5,
    rowsPerPartition: 500,
    levels: TEST_LAYOUT.filter((l) => l.length >= 4).map((l) => ({
      length: l.length,
      horizonMs: l.horizonMs,
      bucketMs: l.bucketMs,
    })),
  };
}
