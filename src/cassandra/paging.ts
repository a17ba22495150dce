import cassandra from "cassandra-driver";
import type { ReadBudget } from "../query/ports.js";
import { isTransientDriverError, storeError } from "./errors.js";

/** Rows per page the query readers fetch. */
export const FETCH_SIZE = 2000;

/** Every page of a prepared statement, one after another (the driver returns one page per execute). */
export async function* pagesOf(
  client: cassandra.Client,
  cql: string,
  params: readonly unknown[],
  fetchSize = FETCH_SIZE,
  budget?: ReadBudget,
): AsyncGenerator<readonly cassandra.types.Row[]> {
  let pageState: string | undefined;
  do {
    // A request's budget bounds each page's wait (the driver's per-statement readTimeout) and
    // counts the rows; without one the client's own socket timeout applies.
    const readTimeout = budget === undefined ? undefined : Math.ceil(budget.msLeft());
    let rs: cassandra.types.ResultSet;
    try {
      rs = await client.execute(cql, [...params], {
        prepare: true,
        fetchSize,
        ...(readTimeout === undefined ? {} : { readTimeout }),
        ...(pageState === undefined ? {} : { pageState }),
      });
    } catch (err) {
      throw readError(err, budget);
    }
    budget?.spend(rs.rows.length);
    yield rs.rows;
    pageState = rs.pageState ?? undefined;
  } while (pageState !== undefined);
}

/**
 * A failed read as the product's error: past the request's time (the statement's readTimeout is
 * what was left of it) QUERY_TIMEOUT; a timeout, an unavailable replica or a lost connection
 * STORE_READ_FAILED, retriable; anything else as it is.
 */
function readError(err: unknown, budget: ReadBudget | undefined): unknown {
  if (budget !== undefined && err instanceof cassandra.errors.OperationTimedOutError) {
    budget.msLeft(); // throws QUERY_TIMEOUT once the request's time is up
  }
  return isTransientDriverError(err) ? storeError("read", err) : err;
}

/** All rows of a statement across pages. */
export async function allRows(
  client: cassandra.Client,
  cql: string,
  params: readonly unknown[],
  budget?: ReadBudget,
): Promise<cassandra.types.Row[]> {
  const out: cassandra.types.Row[] = [];
  for await (const page of pagesOf(client, cql, params, FETCH_SIZE, budget)) out.push(...page);
  return out;
}

/** Runs `task` over items with at most `limit` in flight; results in item order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return out;
}

/** Splits a list into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
