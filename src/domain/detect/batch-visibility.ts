/**
 * What one event of a batch may see of the batch itself: the events before it (in offset order)
 * are its neighbours even though they are written alongside it, and the events after it never
 * are, even when a replay of the batch finds them already stored. So a check's answer does not
 * depend on how its batch's writes and reads interleave. Pure: no I/O.
 */
import type { Candidate } from "./neighbours.js";
import type { RowVisibility } from "./partition-cache.js";

/** The batch's events indexed by the cells they fall in at each searched length. */
export class BatchVisibility {
  /** length -> cell -> indices of the batch's events there, ascending. */
  private readonly cells = new Map<number, Map<string, number[]>>();
  /** id -> first index in the batch. */
  private readonly indexById = new Map<string, number>();

  /**
   * `events` in offset order; `hashes[i]` is the geohash of `events[i]`, at least as long as every
   * length in `lengths` (the searched ones).
   */
  constructor(
    private readonly events: readonly Candidate[],
    hashes: readonly string[],
    lengths: readonly number[],
  ) {
    for (const length of lengths) this.cells.set(length, new Map());
    events.forEach((e, i) => {
      if (!this.indexById.has(e.id)) this.indexById.set(e.id, i);
      const hash = hashes[i] ?? "";
      for (const [length, byCell] of this.cells) {
        const cell = hash.slice(0, length);
        const list = byCell.get(cell);
        if (list === undefined) byCell.set(cell, [i]);
        else list.push(i);
      }
    });
  }

  /** The view of the event at `index`. */
  for(index: number): RowVisibility {
    return {
      hides: (id) => {
        const at = this.indexById.get(id);
        return at !== undefined && at >= index;
      },
      addEarlier: (length, cells, fromMs, toMs, out) => {
        const byCell = this.cells.get(length);
        if (byCell === undefined) return;
        for (const cell of cells) {
          const list = byCell.get(cell);
          if (list === undefined) continue;
          for (const j of list) {
            if (j >= index) break;
            const e = this.events[j];
            if (e !== undefined && e.timeMs >= fromMs && e.timeMs <= toMs) out.push(e);
          }
        }
      },
    };
  }
}
