/**
 * What the committed offsets of a consumer group say about progress, from samples taken every
 * few hundred milliseconds: how long any partition sat with work waiting and no commit, how long
 * the whole group made no progress, and how soon every partition advanced again after a fault.
 * Pure functions over recorded samples.
 */

/** One look at one partition: the group's committed offset and the topic's end offset. */
export interface OffsetSample {
  readonly tMs: number;
  readonly partition: number;
  readonly committed: number;
  readonly end: number;
}

function byPartition(samples: readonly OffsetSample[]): Map<number, OffsetSample[]> {
  const out = new Map<number, OffsetSample[]>();
  for (const s of samples) {
    const list = out.get(s.partition) ?? [];
    list.push(s);
    out.set(s.partition, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.tMs - b.tMs);
  return out;
}

/**
 * The longest time, within [fromMs, toMs], that one partition had uncommitted input and its
 * committed offset did not move. A pause that began before `fromMs` counts from its beginning.
 */
export function longestPartitionPause(
  samples: readonly OffsetSample[],
  fromMs: number,
  toMs: number,
): { partition: number; seconds: number } {
  let worst = { partition: -1, seconds: 0 };
  for (const [partition, list] of byPartition(samples)) {
    let lastMove: number | undefined;
    let previous: OffsetSample | undefined;
    for (const s of list) {
      if (s.tMs > toMs) break;
      const waited = previous !== undefined && previous.end > previous.committed;
      // A commit seen only now may have happened any time since the previous sample (samples
      // can be missing while a broker is down): count the pause up to this sample.
      if (s.tMs >= fromMs && waited && lastMove !== undefined) {
        const seconds = (s.tMs - lastMove) / 1000;
        if (seconds > worst.seconds) worst = { partition, seconds };
      }
      if (previous === undefined || s.committed !== previous.committed || s.end <= s.committed)
        lastMove = s.tMs;
      previous = s;
    }
  }
  return worst;
}

/** Committed offsets summed over partitions, per sampling round (samples of one round share tMs). */
function totals(
  samples: readonly OffsetSample[],
): { tMs: number; committed: number; end: number }[] {
  const rounds = new Map<number, { committed: number; end: number }>();
  for (const s of samples) {
    const r = rounds.get(s.tMs) ?? { committed: 0, end: 0 };
    rounds.set(s.tMs, { committed: r.committed + s.committed, end: r.end + s.end });
  }
  return [...rounds.entries()].sort((a, b) => a[0] - b[0]).map(([tMs, r]) => ({ tMs, ...r }));
}

/** The longest time within the window that no partition at all committed while input waited. */
export function longestGroupStall(
  samples: readonly OffsetSample[],
  fromMs: number,
  toMs: number,
): number {
  return longestGroupStallWindow(samples, fromMs, toMs).seconds;
}

/** The longest group stall within the window, with when it began and ended (0 s: none). */
export function longestGroupStallWindow(
  samples: readonly OffsetSample[],
  fromMs: number,
  toMs: number,
): { seconds: number; fromMs: number; toMs: number } {
  let worst = { seconds: 0, fromMs, toMs: fromMs };
  let lastMove: number | undefined;
  let previous: number | undefined;
  for (const r of totals(samples)) {
    if (r.tMs > toMs) break;
    if (previous === undefined || r.committed !== previous || r.end <= r.committed)
      lastMove = r.tMs;
    previous = r.committed;
    if (r.tMs >= fromMs && lastMove !== undefined && (r.tMs - lastMove) / 1000 > worst.seconds)
      worst = { seconds: (r.tMs - lastMove) / 1000, fromMs: lastMove, toMs: r.tMs };
  }
  return worst;
}

/**
 * How soon after `atMs` the group commits again on every partition: per partition, from the
 * fault (or from the first input it got after the fault, whichever is later) to its next commit.
 * Partitions that got no input afterwards are left out; undefined when one with waiting input
 * never committed within the samples.
 */
export function secondsUntilAllAdvance(
  samples: readonly OffsetSample[],
  atMs: number,
): number | undefined {
  let worst = 0;
  for (const list of byPartition(samples).values()) {
    const waiting = list.find((s) => s.tMs >= atMs && s.end > s.committed);
    if (waiting === undefined) continue;
    const moved = list.find((s) => s.tMs > waiting.tMs && s.committed > waiting.committed);
    if (moved === undefined) return undefined;
    const before = [...list].reverse().find((s) => s.tMs <= atMs);
    const from = before !== undefined && before.end > before.committed ? atMs : waiting.tMs;
    worst = Math.max(worst, (moved.tMs - Math.max(atMs, from)) / 1000);
  }
  return worst;
}

/** Uncommitted messages over all partitions at the last round at or before `atMs`. */
export function backlogAt(samples: readonly OffsetSample[], atMs: number): number {
  const round = totals(samples)
    .filter((r) => r.tMs <= atMs)
    .at(-1);
  return round === undefined ? 0 : round.end - round.committed;
}

/** The largest backlog seen within the window. */
export function peakBacklog(
  samples: readonly OffsetSample[],
  fromMs: number,
  toMs: number,
): number {
  return Math.max(
    0,
    ...totals(samples)
      .filter((r) => r.tMs >= fromMs && r.tMs <= toMs)
      .map((r) => r.end - r.committed),
  );
}

/**
 * When the group first committed: the first sampling round whose committed offsets, summed over
 * partitions, are past the first round's (a new group starts from the log's start). Undefined
 * when it never committed within the samples.
 */
export function firstCommitAt(samples: readonly OffsetSample[]): number | undefined {
  const rounds = totals(samples);
  const first = rounds[0];
  return first === undefined ? undefined : rounds.find((r) => r.committed > first.committed)?.tMs;
}
