import type cassandra from "cassandra-driver";

/** Rows per page the query readers fetch. */
export const FETCH_SIZE = 2000;

/** Every page of a prepared statement, one after another (the driver returns one page per execute). */
export async function* pagesOf(
  client: cassandra.Client,
  cql: string,
  params: readonly unknown[],
  fetchSize = FETCH_SIZE,
): AsyncGenerator<readonly cassandra.types.Row[]> {
  let pageState: string | undefined;
  do {
    const rs = await client.execute(cql, [...params], {
      prepare: true,
      fetchSize,
      ...(pageState === undefined ? {} : { pageState }),
    });
    yield rs.rows;
    pageState = rs.pageState ?? undefined;
  } while (pageState !== undefined);
}

/** All rows of a statement across pages. */
export async function allRows(
  client: cassandra.Client,
  cql: string,
  params: readonly unknown[],
): Promise<cassandra.types.Row[]> {
  const out: cassandra.types.Row[] = [];
  for await (const page of pagesOf(client, cql, params)) out.push(...page);
  return out;
}

/** Runs `task` over items with at most `limit` in flight; results in item order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i] as T);
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
