/**
 * Keeps the cluster summary current: every interval, reads the touch log's open minutes, recounts
 * the (cell, minute) pairs touched since it last rolled them from the source length's event rows
 * and the alert archive into minute rows, sums each touched cell's 5-minute slot from its minute
 * rows, then recomputes the parents length by length from the summary rows just written, and
 * records how far it got. The summary thus lags the stored events by about one
 * interval (and one round's time), including the open slot.
 *
 * Exact under replay: a summary row is recomputed from idempotent rows and overwritten, never
 * incremented. Several detectors may roll the same pairs (each reads every touch): that costs one
 * recount per pair and detector, and is harmless because every write carries the time its round
 * started, so the answer read last wins wherever it lands; a touch that lands after a round
 * started is rolled again by the next round of every roller.
 */
import pLimit from "p-limit";
import {
  groupBy,
  parentPairs,
  regionLength,
  slotPairs,
  sumChildren,
  sumMinutes,
  summaryLengths,
  TOUCH_TTL_SECONDS,
  type TouchedPair,
} from "../domain/query/summary.js";
import { TouchLedger, type Touch } from "../domain/query/touch-ledger.js";
import { withRetry, type RetryOptions } from "./retry.js";
import type { SummaryRollStore } from "./summary-ports.js";

/** What the roller reports; the Prometheus adapter implements it. */
export interface SummaryMetrics {
  /** One round done: pairs of the source length recounted, and its duration. */
  rolled(pairs: number, seconds: number): void;
  /** The summary now counts every event whose touch landed before this time. */
  asOf(ms: number): void;
  failed(): void;
  /** One touch-log statement of the write path, carrying `pairs` rows. */
  marked(pairs: number): void;
}

export interface RollerLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface SummaryRollerOptions {
  /** The length the summary is counted from (the coarsest searched length). */
  readonly sourceLength: number;
  readonly intervalMs: number;
  readonly metrics: SummaryMetrics;
  readonly logger: RollerLogger;
  /**
   * Retries of one statement's failure the failure policy calls transient (a write timeout under
   * load): every statement of a round is idempotent (reads, and upserts at the round's timestamp),
   * so a retry beats failing the whole round and redoing it. None: the round fails at once.
   */
  readonly retry?: RetryOptions;
  readonly now?: () => number;
}

/** Statements of one round in flight at once. */
const ROUND_CONCURRENCY = 4;

/**
 * How long after a touch-log minute ends its touches may still land: writers' clock skew plus a
 * slice's time between taking the minute and its write being acknowledged.
 */
export function touchGraceMs(intervalMs: number): number {
  return Math.max(30_000, 3 * intervalMs);
}

export class SummaryRoller {
  private ledger: TouchLedger | undefined;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopping = false;
  private readonly now: () => number;
  private readonly lengths: number[];

  constructor(
    private readonly store: SummaryRollStore,
    private readonly options: SummaryRollerOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.lengths = summaryLengths(options.sourceLength);
  }

  /** Rolls now and then every interval until stop(). */
  start(): void {
    const tick = (): void => {
      if (this.stopping) return;
      this.current = this.roundLogged().finally(() => {
        this.current = undefined;
        if (!this.stopping) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    tick();
  }

  /** Stops scheduling rounds and waits for the one running. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.current;
  }

  private async roundLogged(): Promise<void> {
    try {
      await this.round();
    } catch (err) {
      this.options.metrics.failed();
      this.options.logger.warn({ err }, "summary round failed; its touches are rolled next round");
    }
  }

  /** One round: every fresh touch of the open minutes rolled at every summary length. */
  async round(): Promise<void> {
    const started = this.now();
    const t0 = performance.now();
    const ledger = (this.ledger ??= await this.resumeLedger(started));
    const limit = pLimit(ROUND_CONCURRENCY);
    const minutes = ledger.openMinutes(started);
    const fresh = await Promise.all(
      minutes.map((m) =>
        limit(async () => ledger.fresh(m, await this.io(() => this.store.touchesIn(m)))),
      ),
    );
    const touchedMinutes = distinct(fresh.flat());
    // The touched minutes recounted from the event rows, then their slots summed from minutes.
    const byMinute = groupBy(touchedMinutes, (p) => String(p.slot));
    await Promise.all(
      [...byMinute.values()].map((group) => limit(() => this.recountMinutes(group, started))),
    );
    const pairs = slotPairs(touchedMinutes);
    let level: TouchedPair[] = pairs;
    for (const length of this.lengths) {
      level = length === this.options.sourceLength ? pairs : parentPairs(level);
      const bySlot = groupBy(level, (p) => String(p.slot));
      await Promise.all(
        [...bySlot.values()].map((group) => limit(() => this.rollLevel(length, group, started))),
      );
    }
    minutes.forEach((m, i) => ledger.rolled(m, fresh[i] ?? []));
    ledger.close(started, touchGraceMs(this.options.intervalMs));
    await this.io(() =>
      this.store.saveProgress({ throughMinute: ledger.checkpoint, asOfMs: started }),
    );
    this.options.metrics.rolled(pairs.length, (performance.now() - t0) / 1000);
    this.options.metrics.asOf(started);
    if (pairs.length > 0) this.options.logger.debug({ pairs: pairs.length }, "summary rolled");
  }

  /** One statement, retried per `retry` while the roller runs. */
  private io<T>(fn: () => Promise<T>): Promise<T> {
    const retry = this.options.retry;
    if (retry === undefined) return fn();
    return withRetry(
      fn,
      retry,
      (err, attempt, delayMs) =>
        this.options.logger.debug({ err, attempt, delayMs }, "summary statement retried"),
      () => !this.stopping,
    );
  }

  /** Recounts one minute's touched cells from the event rows. */
  private async recountMinutes(pairs: TouchedPair[], started: number): Promise<void> {
    const minute = pairs[0]?.slot;
    if (minute === undefined) return;
    const rows = await this.io(() =>
      this.store.recount(
        minute,
        pairs.map((p) => p.cell),
      ),
    );
    await this.io(() => this.store.writeMinutes(rows, started));
  }

  /** Sums one slot's pairs of one length: from minute rows at the source, else from the children. */
  private async rollLevel(length: number, pairs: TouchedPair[], started: number): Promise<void> {
    const slot = pairs[0]?.slot;
    if (slot === undefined) return;
    if (length === this.options.sourceLength) {
      const byRegion = groupBy(pairs, (p) => p.cell.slice(0, regionLength(length)));
      const rows = await Promise.all(
        [...byRegion].map(async ([region, cells]) =>
          sumMinutes(cells, await this.io(() => this.store.minutesIn(region, slot))),
        ),
      );
      await this.io(() => this.store.write(length, rows.flat(), started));
      return;
    }
    // The children of a parent of `length` share its region at their own length.
    const r = regionLength(length + 1);
    const byRegion = groupBy(pairs, (p) => p.cell.slice(0, r));
    const rows = await Promise.all(
      [...byRegion].map(async ([region, parents]) =>
        sumChildren(parents, await this.io(() => this.store.rowsIn(length + 1, region, slot))),
      ),
    );
    await this.io(() => this.store.write(length, rows.flat(), started));
  }

  /** Resumes at the shared checkpoint, or a grace period back; never past the touch log's TTL. */
  private async resumeLedger(nowMs: number): Promise<TouchLedger> {
    const progress = await this.io(() => this.store.progress());
    const from = progress?.throughMinute ?? nowMs - touchGraceMs(this.options.intervalMs);
    return new TouchLedger(Math.max(from, nowMs - TOUCH_TTL_SECONDS * 1000));
  }
}

function distinct(touches: readonly Touch[]): TouchedPair[] {
  const out = new Map<string, TouchedPair>();
  for (const t of touches) out.set(`${t.cell}/${t.slot}`, { cell: t.cell, slot: t.slot });
  return [...out.values()];
}
