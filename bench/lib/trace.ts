/**
 * The detector's own record of the checks it ran: a sampled trace served at
 * `GET /trace?after=<seq>` on its metrics port. Neighbour recall is measured on these entries,
 * the searches the detector process really ran, not on a second search re-run by the harness.
 * This module holds the answer's schema and a poller that collects every entry during a row.
 */
import { z } from "zod";

const finite = z.number().refine(Number.isFinite, "must be a finite number");

/** One traced check, as the detector ran it. */
export const TraceCheckSchema = z
  .object({
    /** Position in the trace; increases by check, not necessarily by 1 (sampling). */
    seq: z.number().int(),
    eventId: z.string(),
    lat: finite,
    lon: finite,
    timeMs: finite,
    /**
     * Wall-clock time the check's search began (for a batch: its first read), so a neighbour
     * stored later was in flight for it.
     */
    searchStartedAtMs: finite.optional(),
    /** The checked record's Kafka partition and offset (a detector that checks whole batches). */
    partition: z.number().int().nonnegative().optional(),
    offset: z.string().regex(/^\d+$/, "must be a whole number as a string").optional(),
    /** The k nearest eligible events within the bound and window, nearest first. */
    neighbourIds: z.array(z.string()),
    neighbourDistancesMeters: z.array(finite),
    /** Geohash length where the search stopped. */
    stopLength: z.number().int(),
    /** Radius around the event that the cells read are guaranteed to cover. */
    coveredRadiusMeters: finite,
    /** The distance bound: farther events never count as neighbours. */
    maxDistanceMeters: finite,
    /** Time window of the neighbours (the stop length's horizon up to the event). */
    windowFromMs: finite,
    windowToMs: finite,
    /** False when a bound (e.g. rows per partition) cut the search short. */
    complete: z.boolean(),
    verdict: z.enum(["scored", "insufficient"]),
    /** Why a check was insufficient (`no_history`, `sparse`, ...); null when scored. */
    reason: z.string().nullable(),
    /** The score of a scored check; null when insufficient (absent from older detectors). */
    score: finite.nullable().optional(),
    rowsRead: z.number().int().nonnegative(),
    partitionsRead: z.number().int().nonnegative(),
    steps: z.number().int().nonnegative(),
  })
  .refine((c) => c.neighbourIds.length === c.neighbourDistancesMeters.length, {
    message: "neighbourIds and neighbourDistancesMeters must have the same length",
  });

export type TraceCheck = z.infer<typeof TraceCheckSchema>;

/** One answer of GET /trace: entries after the cursor, the next cursor and what was lost. */
export const TracePageSchema = z.object({
  /** The `after` to ask with next. */
  next: z.number().int(),
  /** Entries the detector discarded before anyone read them (its buffer was full). */
  dropped: z.number().int().nonnegative(),
  checks: z.array(TraceCheckSchema),
});

export type TracePage = z.infer<typeof TracePageSchema>;

/** Reads one page after `after`; null while the detector has no trace to serve (404). */
export type FetchTracePage = (after: number) => Promise<TracePage | null>;

/** GET /trace?after=<after> on a detector's metrics port, validated against the schema. */
export function httpTracePage(port: number, host = "127.0.0.1"): FetchTracePage {
  return async (after) => {
    const res = await fetch(`http://${host}:${port}/trace?after=${after}`);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) throw new Error(`GET /trace answered ${res.status}`);
    return parseTracePage(await res.json());
  };
}

/** Validates one answer of GET /trace; throws naming the first field that is wrong. */
export function parseTracePage(body: unknown): TracePage {
  const parsed = TracePageSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(
      `GET /trace answered an invalid page: ${first?.path.map(String).join(".") ?? ""} ${first?.message ?? ""}`,
    );
  }
  return parsed.data;
}

/** Everything a collector gathered. */
export interface TraceCollection {
  /** Distinct entries by seq, in seq order. */
  readonly checks: readonly TraceCheck[];
  /** The largest `dropped` the detector reported (it counts since it started). */
  readonly dropped: number;
  /** False when the detector never served a trace (404 throughout). */
  readonly available: boolean;
  readonly pages: number;
  /** Failed polls (connection refused, bad status, invalid page); the last message is kept. */
  readonly errors: number;
  readonly lastError: string | null;
  /** stop()'s last drain read the trace to its end without a failure (false before stop()). */
  readonly drainedAtStop: boolean;
}

export interface TraceCollectorOptions {
  /** Pause between polls that found nothing new. */
  readonly everyMs?: number;
  /** Cursor of the first request; entries with seq > it are collected. */
  readonly startAfter?: number;
  /** Most pages read in one poll, so a detector answering forever cannot hold the poller. */
  readonly maxPagesPerPoll?: number;
}

/**
 * Collects a detector's trace in the background: start() when the row starts, stop() at its end
 * (a last poll drains what is left). Each poll follows `next` until a page brings no entries.
 * A 404 means "not available yet" and is polled again; other failures are counted, not thrown,
 * so a flaky trace never stops a row.
 */
export class TraceCollector {
  private readonly bySeq = new Map<number, TraceCheck>();
  private cursor: number;
  private dropped = 0;
  private available = false;
  private pages = 0;
  private errors = 0;
  private lastError: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private drainedAtStop = false;
  /** The last poll ended on an empty page: everything traced until then was read. */
  private reachedEnd = false;

  constructor(
    private readonly fetchPage: FetchTracePage,
    private readonly options: TraceCollectorOptions = {},
  ) {
    this.cursor = options.startAfter ?? 0;
  }

  /** One poll: pages until an empty one (or the page limit); safe to call while another runs. */
  poll(): Promise<void> {
    this.running ??= this.pollPages().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pollPages(): Promise<void> {
    const limit = this.options.maxPagesPerPoll ?? 1000;
    this.reachedEnd = false;
    for (let i = 0; i < limit; i++) {
      let page: TracePage | null;
      try {
        page = await this.fetchPage(this.cursor);
      } catch (err) {
        this.errors++;
        this.lastError = err instanceof Error ? err.message : String(err);
        return;
      }
      if (page === null) return;
      this.available = true;
      this.pages++;
      this.dropped = Math.max(this.dropped, page.dropped);
      for (const c of page.checks) if (c.seq > this.cursor) this.bySeq.set(c.seq, c);
      const moved = page.next > this.cursor;
      if (moved) this.cursor = page.next;
      if (page.checks.length === 0 || !moved) {
        this.reachedEnd = page.checks.length === 0;
        return;
      }
    }
  }

  start(): void {
    const everyMs = this.options.everyMs ?? 1000;
    const tick = (): void => {
      if (this.stopped) return;
      void this.poll().then(() => {
        if (!this.stopped) this.timer = setTimeout(tick, everyMs);
      });
    };
    tick();
  }

  /** Stops polling after a last drain and returns what was collected. */
  async stop(): Promise<TraceCollection> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
    await this.poll();
    this.drainedAtStop = this.reachedEnd;
    return this.collection();
  }

  /** What was collected so far. */
  collection(): TraceCollection {
    return {
      checks: [...this.bySeq.values()].sort((a, b) => a.seq - b.seq),
      dropped: this.dropped,
      available: this.available,
      pages: this.pages,
      errors: this.errors,
      lastError: this.lastError,
      drainedAtStop: this.drainedAtStop,
    };
  }
}

/** A collector of a running detector's trace, on its metrics port (`DetectorProcess.port`). */
export function detectorTrace(port: number, options: TraceCollectorOptions = {}): TraceCollector {
  return new TraceCollector(httpTracePage(port), options);
}
