/**
 * Scenario: the database's ceiling on this machine. The same Detector.check (same store, same
 * prepared statements, same driver settings) driven from the harness in a tight loop with high
 * concurrency, without Kafka: the most checks/s Cassandra allows here.
 */
import { detectorSettings, rowsPerPartition } from "../../src/app.js";
import { createCassandraClient } from "../../src/cassandra/client.js";
import { createDataModel } from "../../src/cassandra/models/index.js";
import { Detector } from "../../src/pipeline/detector.js";
import { EventLog } from "../lib/data.js";
import {
  NO_METRICS,
  rowConfig,
  rowEventSource,
  rowName,
  type BenchContext,
  type Variant,
} from "../lib/row.js";

export interface CeilingFigures {
  readonly checksPerSecond: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly errors: number;
}

/** Warms `variant`'s store up, then runs checks for `seconds`; rate over the last 75%. */
export async function measureCeiling(ctx: BenchContext, variant: Variant): Promise<CeilingFigures> {
  const o = ctx.options;
  const base = rowName(ctx.runId, 99);
  const config = rowConfig(ctx, variant, base);
  const client = createCassandraClient(config);
  await client.connect();
  ctx.cleanups.push(() => ctx.client.execute(`DROP KEYSPACE IF EXISTS ${base}`));
  try {
    const layout = detectorSettings(config).layout;
    const model = createDataModel(config.dataModel, client, base, layout, rowsPerPartition(config));
    await model.applySchema(config.cassandraReplication);
    const detector = new Detector(model.store, detectorSettings(config), NO_METRICS);
    const log = new EventLog();
    const source = rowEventSource(ctx, variant, base, log);
    let checks = 0;
    let errors = 0;
    const run = async (
      until: number,
      next: () => { event: Parameters<typeof detector.check>[0] },
      maxChecks = Number.POSITIVE_INFINITY,
    ): Promise<void> => {
      const worker = async (): Promise<void> => {
        while (performance.now() < until && checks < maxChecks) {
          try {
            await detector.check(next().event);
            checks++;
          } catch {
            errors++;
          }
          if (log.events.length > 50_000) log.events.length = 0;
        }
      };
      await Promise.all(Array.from({ length: o.ceilingConcurrency }, () => worker()));
    };
    process.stdout.write(
      `ceiling: warm-up and ${o.ceilingSeconds} s of checks at concurrency ${o.ceilingConcurrency}\n`,
    );
    // The same warm-up as a row's, so searches meet the same density (and stop at the same lengths).
    await run(performance.now() + 30_000, () => source.warmup(), o.warmupEvents);
    const skipUntil = performance.now() + o.ceilingSeconds * 250;
    const end = performance.now() + o.ceilingSeconds * 1000;
    let atSkip = 0;
    const marker = setTimeout(() => (atSkip = checks), skipUntil - performance.now());
    checks = 0;
    await run(end, () => source.next());
    clearTimeout(marker);
    const measured = (end - skipUntil) / 1000;
    return {
      checksPerSecond: (checks - atSkip) / measured,
      concurrency: o.ceilingConcurrency,
      seconds: o.ceilingSeconds,
      errors,
    };
  } finally {
    await client.shutdown();
  }
}
