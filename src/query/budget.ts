/**
 * The budget of one API request: rows it may read and the wall time it may take, checked by the
 * readers before every statement. The request's AbortSignal (aborted by the server's handler
 * timeout or when the client goes away) stops the work at the next statement instead of letting
 * it run on for nobody.
 */
import { GeoAnomalyError } from "../errors.js";
import type { ReadBudget } from "./ports.js";

export interface BudgetLimits {
  /** Rows one request may read (API_MAX_ROWS). */
  readonly maxRows: number;
  /** Wall time of one request (API_REQUEST_TIMEOUT_MS). */
  readonly timeoutMs: number;
}

/** A request's budget, started when the request is admitted. */
export class RequestBudget implements ReadBudget {
  private spent = 0;
  private readonly deadline: number;

  constructor(
    private readonly limits: BudgetLimits,
    private readonly signal: AbortSignal | undefined,
    private readonly clock: () => number = Date.now,
  ) {
    this.deadline = clock() + limits.timeoutMs;
  }

  /** Rows read so far. */
  get rowsRead(): number {
    return this.spent;
  }

  rowsLeft(): number {
    return Math.max(0, this.limits.maxRows - this.spent);
  }

  spend(rows: number): void {
    this.spent += rows;
  }

  msLeft(): number {
    const left = this.deadline - this.clock();
    if (this.signal?.aborted === true || left <= 0) {
      throw new GeoAnomalyError(
        "QUERY_TIMEOUT",
        `the query did not finish within ${this.limits.timeoutMs} ms (API_REQUEST_TIMEOUT_MS): ` +
          "narrow the box, shorten the window or try again later",
        { retriable: true },
      );
    }
    return left;
  }

  exhausted(what: string): never {
    throw new GeoAnomalyError(
      "QUERY_TOO_LARGE",
      `query too large: ${what}, and one request may read at most ${this.limits.maxRows} rows ` +
        `(API_MAX_ROWS; ${this.spent} read so far). Shorten the window, narrow the box or ask for a smaller limit`,
    );
  }
}
