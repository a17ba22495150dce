/**
 * The 3x3 block of cells around a cell (the cell and its 8 neighbours), as the earlier ring
 * search read it: tests use it to build cases where that block misses nearer neighbours.
 */
import { columnOf, gridShape, hashAt, rowOf } from "../../src/domain/geo/grid.js";
import { cellBounds } from "../../src/domain/geo/geo.js";

export function blockCells(hash: string): string[] {
  const shape = gridShape(hash.length);
  const [s, w, n, e] = cellBounds(hash);
  const column = columnOf((w + e) / 2, shape);
  const row = rowOf((s + n) / 2, shape);
  const out = new Set<string>();
  for (let dr = -1; dr <= 1; dr++) {
    for (let dc = -1; dc <= 1; dc++) {
      const r = row + dr;
      if (r < 0 || r >= shape.rows) continue;
      out.add(hashAt((column + dc + shape.columns) % shape.columns, r, shape));
    }
  }
  return [...out];
}
