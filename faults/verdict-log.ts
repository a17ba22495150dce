/**
 * The verdicts of a fault run, gathered from every detector's GET /trace while it runs: a poll a
 * second per detector, and a last drain before the suite stops or kills one, so the checks of a
 * detector that dies are kept up to its last second. Only the verdict of each event is kept.
 */
import { httpTracePage, type FetchTracePage } from "../bench/lib/trace.js";
import { addVerdicts, type EventVerdict } from "./verdicts.js";

interface Source {
  readonly fetchPage: FetchTracePage;
  cursor: number;
  polling: Promise<void> | undefined;
}

export class VerdictLog {
  readonly verdicts = new Map<string, EventVerdict>();
  /** Checks a detector dropped from its ring, read or not (a miss among unread ones is "not traced"). */
  dropped = 0;
  /** Failed polls (a detector not answering, e.g. while it starts or after it was killed). */
  errors = 0;
  private readonly sources = new Map<string, Source>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly everyMs = 1000) {}

  /** Starts following the trace of a detector on its metrics port. */
  follow(name: string, port: number): void {
    this.sources.set(name, { fetchPage: httpTracePage(port), cursor: 0, polling: undefined });
    if (this.timer === undefined) this.schedule();
  }

  /** Reads what the detector traced since the last poll. */
  async drain(name: string): Promise<void> {
    const source = this.sources.get(name);
    if (source === undefined) return;
    await source.polling;
    await this.poll(source);
  }

  /** Stops following a detector (it exited). */
  forget(name: string): void {
    this.sources.delete(name);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void Promise.all([...this.sources.values()].map((s) => this.poll(s))).then(() => {
        if (this.timer !== undefined) this.schedule();
      });
    }, this.everyMs);
    this.timer.unref();
  }

  private poll(source: Source): Promise<void> {
    source.polling ??= this.pages(source).finally(() => (source.polling = undefined));
    return source.polling;
  }

  private async pages(source: Source): Promise<void> {
    for (;;) {
      let page;
      try {
        page = await source.fetchPage(source.cursor);
      } catch {
        this.errors += 1;
        return;
      }
      if (page === null || page.checks.length === 0 || page.next <= source.cursor) return;
      this.dropped = Math.max(this.dropped, page.dropped);
      addVerdicts(page.checks, this.verdicts);
      source.cursor = page.next;
    }
  }
}
