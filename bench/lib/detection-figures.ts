/**
 * Detection figures of one distribution, honest about what the detector could know: coverage
 * (the share of checks that were scored at all), insufficient checks by reason, the false-alarm
 * rate among normal events and among scored normal events, precision, recall of strong anomalies
 * among the events that had a local neighbourhood to be compared with (decided by brute force
 * over the event log) and over all of them, and a standard F1.
 */
import { EventGrid, type GridEvent } from "./event-grid.js";
import type { CheckCounters } from "./check-counters.js";
import { detectionFigures, f1Score, type Truth } from "./stats.js";

/** What "has a local neighbourhood" means: the product's distance bound and minimum. */
export interface NeighbourhoodRule {
  /** Farthest distance at which another event counts as a neighbour (the detector's bound). */
  readonly maxDistanceMeters: number;
  /** Fewest neighbours a check needs to be scored (MIN_NEIGHBOURS). */
  readonly minNeighbours: number;
  /** How far back an eligible neighbour may be; default: any time before. */
  readonly windowMs?: number;
}

/**
 * Ids of the events that have at least `minNeighbours` eligible earlier events (not themselves,
 * time <= theirs, within `windowMs`) within `maxDistanceMeters`. `events` is the whole log
 * (warm-up included: those events are stored and serve as neighbours); `of` limits which events
 * are decided (default: all). A bin index keeps it fast for tens of thousands of events.
 */
export function localNeighbourhoods(
  events: readonly GridEvent[],
  rule: NeighbourhoodRule,
  of?: Iterable<string>,
): Set<string> {
  if (!(rule.maxDistanceMeters >= 0) || !(rule.minNeighbours >= 0)) {
    throw new RangeError("maxDistanceMeters and minNeighbours must be >= 0");
  }
  const wanted = of === undefined ? null : new Set(of);
  // Bins as wide as the bound: few bins per query, and a dense place's own bin has enough.
  const grid = new EventGrid(events, Math.max(100, rule.maxDistanceMeters));
  const out = new Set<string>();
  for (const e of events) {
    if (wanted !== null && !wanted.has(e.id)) continue;
    if (rule.minNeighbours === 0) {
      out.add(e.id);
      continue;
    }
    let found = 0;
    grid.forEachWithin(
      e.lat,
      e.lon,
      rule.maxDistanceMeters,
      e.timeMs - (rule.windowMs ?? Infinity),
      e.timeMs,
      (n) => n.id !== e.id && ++found >= rule.minNeighbours,
    );
    if (found >= rule.minNeighbours) out.add(e.id);
  }
  return out;
}

export interface RecallCount {
  readonly anomalies: number;
  readonly detected: number;
  readonly recall: number | null;
}

export interface DistributionDetection {
  /** Checks counted by the detector in the phase (scored + insufficient). */
  readonly checked: number;
  readonly scored: number;
  /** scored / checked. */
  readonly coverage: number | null;
  readonly insufficient: {
    readonly total: number;
    /** Count and share of all checks, by reason. */
    readonly byReason: Readonly<Record<string, { count: number; share: number | null }>>;
    /** Insufficient checks no reason accounts for (all of them when reasons are not exported). */
    readonly unattributed: number;
  };
  readonly normalEvents: number;
  /**
   * Normal events the detector scored: its scored checks in the phase minus the anomalies it
   * scored, counted as the anomalies with a local neighbourhood (at least those it alerted on,
   * at most all of them). The detector does not say which events it scored, so this is exact
   * only up to that estimate, which moves it by at most the anomaly count.
   */
  readonly scoredNormalEvents: number;
  readonly falsePositives: number;
  /** False positives / normal events checked (insufficient ones included). */
  readonly falseAlarmRate: number | null;
  /** False positives / scored normal events: what an alert consumer sees. */
  readonly falseAlarmRatePerScored: number | null;
  readonly alerts: number;
  readonly truePositives: number;
  readonly precision: number | null;
  readonly strongFrom: number;
  /** Recall of anomalies >= strongFrom among events with a local neighbourhood: the target. */
  readonly strongRecallLocal: RecallCount;
  /** The same over all of them, neighbourhood or not. */
  readonly strongRecallAll: RecallCount;
  /** The standard F1 of `precision` and `strongRecallAll.recall` (see `f1Of`). */
  readonly f1: number | null;
  readonly f1Of: string;
  /** Share of the labelled events that had a local neighbourhood. */
  readonly localShare: number | null;
  /** Per magnitude: recall over all anomalies of it and over those with a neighbourhood. */
  readonly byMagnitude: Readonly<Record<string, RecallCount & { readonly local: RecallCount }>>;
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

function recallOf(
  truths: readonly Truth[],
  alerted: ReadonlySet<string>,
  from: number,
): RecallCount {
  let anomalies = 0;
  let detected = 0;
  for (const t of truths) {
    if (t.magnitude <= 0 || t.magnitude < from) continue;
    anomalies++;
    if (alerted.has(t.id)) detected++;
  }
  return { anomalies, detected, recall: ratio(detected, anomalies) };
}

/** What {@link DistributionDetection.f1} is made of, for the report. */
export const F1_OF = "precision and recall over all ≥ 5σ anomalies (recallAll)";

/**
 * The detection figures of one row (one distribution). `truths` are the labelled events of the
 * measured phase (magnitude 0 = normal), `alertedIds` the alerted event ids, `counters` the
 * detector's check counters over the same phase, `local` the ids with a local neighbourhood
 * ({@link localNeighbourhoods}). Normal events checked = the labelled normal events, which holds
 * once the row has drained (every produced event checked).
 */
export function distributionDetection(input: {
  readonly truths: readonly Truth[];
  readonly alertedIds: ReadonlySet<string>;
  readonly counters: CheckCounters;
  readonly local: ReadonlySet<string>;
  readonly strongFrom?: number;
}): DistributionDetection {
  const strongFrom = input.strongFrom ?? 5;
  const { counters } = input;
  const all = detectionFigures(input.truths, input.alertedIds, strongFrom);
  const localTruths = input.truths.filter((t) => input.local.has(t.id));
  const local = detectionFigures(localTruths, input.alertedIds, strongFrom);
  const checked = counters.scored + counters.insufficient;
  const byReason: Record<string, { count: number; share: number | null }> = {};
  let attributed = 0;
  for (const [reason, count] of Object.entries(counters.insufficientByReason)) {
    byReason[reason] = { count, share: ratio(count, checked) };
    attributed += count;
  }
  const normalEvents = input.truths.filter((t) => t.magnitude === 0).length;
  const anomalies = input.truths.filter((t) => t.magnitude > 0);
  const scoredAnomalies = Math.min(
    anomalies.length,
    Math.max(all.truePositives, anomalies.filter((t) => input.local.has(t.id)).length),
  );
  const scoredNormalEvents = Math.max(all.falsePositives, counters.scored - scoredAnomalies);
  const strongRecallAll = recallOf(input.truths, input.alertedIds, strongFrom);
  const byMagnitude: Record<string, RecallCount & { local: RecallCount }> = {};
  for (const [m, v] of Object.entries(all.byMagnitude)) {
    const l = local.byMagnitude[m];
    byMagnitude[m] = {
      anomalies: v.anomalies,
      detected: v.detected,
      recall: v.recall,
      local: {
        anomalies: l?.anomalies ?? 0,
        detected: l?.detected ?? 0,
        recall: l?.recall ?? null,
      },
    };
  }
  return {
    checked,
    scored: counters.scored,
    coverage: ratio(counters.scored, checked),
    insufficient: {
      total: counters.insufficient,
      byReason,
      unattributed: Math.max(0, counters.insufficient - attributed),
    },
    normalEvents,
    scoredNormalEvents,
    falsePositives: all.falsePositives,
    falseAlarmRate: ratio(all.falsePositives, normalEvents),
    falseAlarmRatePerScored: ratio(all.falsePositives, scoredNormalEvents),
    alerts: all.alerts,
    truePositives: all.truePositives,
    precision: all.precision,
    strongFrom,
    strongRecallLocal: recallOf(localTruths, input.alertedIds, strongFrom),
    strongRecallAll,
    f1: f1Score(all.precision, strongRecallAll.recall),
    f1Of: F1_OF,
    localShare: ratio(localTruths.length, input.truths.length),
    byMagnitude,
  };
}
