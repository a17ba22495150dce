/**
 * The roller's memory of the touch log: which wall-clock minutes it still scans, and for each
 * touched (cell, slot) of those minutes the touch time it last rolled, so a round recomputes only
 * pairs touched again since. A minute is closed (no longer scanned) once it ended more than a
 * grace period before a round started and every touch read in it was rolled; the first minute
 * still open is the checkpoint a restarted roller resumes from. Pure: no I/O.
 */
import { TOUCH_MINUTE_MS, touchMinute, type TouchedPair } from "./summary.js";

/** A touch as read back from the log: the pair and when it was last written. */
export interface Touch extends TouchedPair {
  readonly touchedMs: number;
}

export class TouchLedger {
  private cursor: number;
  /** Per open minute: pair key to the touch time rolled. */
  private readonly rolledTouches = new Map<number, Map<string, number>>();

  /** Starts scanning at the minute of `fromMs` (a checkpoint, or a little before now). */
  constructor(fromMs: number) {
    this.cursor = touchMinute(fromMs);
  }

  /** The first minute still scanned: where a restarted roller resumes. */
  get checkpoint(): number {
    return this.cursor;
  }

  /** The minutes a round starting at `nowMs` reads: the checkpoint through now's minute. */
  openMinutes(nowMs: number): number[] {
    const out: number[] = [];
    for (let m = this.cursor; m <= touchMinute(nowMs); m += TOUCH_MINUTE_MS) out.push(m);
    return out;
  }

  /** The touches of `minute` not rolled yet at their touch time. */
  fresh(minute: number, touches: readonly Touch[]): Touch[] {
    const rolled = this.rolledTouches.get(minute);
    return touches.filter((t) => (rolled?.get(key(t)) ?? -Infinity) < t.touchedMs);
  }

  /** Records touches of `minute` as rolled. */
  rolled(minute: number, touches: readonly Touch[]): void {
    let rolled = this.rolledTouches.get(minute);
    if (rolled === undefined) this.rolledTouches.set(minute, (rolled = new Map<string, number>()));
    for (const t of touches)
      rolled.set(key(t), Math.max(rolled.get(key(t)) ?? -Infinity, t.touchedMs));
  }

  /**
   * Closes the minutes that ended more than `graceMs` before `roundStartMs` (their touches were
   * all rolled by the round that just succeeded); true when the checkpoint moved.
   */
  close(roundStartMs: number, graceMs: number): boolean {
    const before = this.cursor;
    while (this.cursor + TOUCH_MINUTE_MS + graceMs <= roundStartMs) {
      this.rolledTouches.delete(this.cursor);
      this.cursor += TOUCH_MINUTE_MS;
    }
    return this.cursor !== before;
  }
}

function key(p: TouchedPair): string {
  return `${p.cell}/${p.slot}`;
}
