/**
 * One stack's measurement: every round puts the stack into each variant in turn (A B A B ...),
 * measures insert capacity at each concurrency with the bench's capacity scenario, then (for the
 * variants with the baseline's mutation threads) runs the stack's SIGKILL scenarios. A failed
 * measurement is recorded and costs only its own figure; the stack is stopped at the end.
 */
import { loadavg } from "node:os";
import type { Config } from "../../src/config/load.js";
import type { Reporter } from "../../src/servers/local.js";
import { measureCapacity } from "../scenarios/capacity.js";
import { measureLostWrites } from "./lost-writes.js";
import { stopStack, useVariant } from "./stack-control.js";
import type { CapacityRecord, StackRun } from "./summary.js";
import { stackSpec, variantLabel, type StackName, type Variant } from "./variants.js";

export interface RunOptions {
  readonly variants: readonly Variant[];
  readonly concurrencies: readonly number[];
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Unmeasured inserts before the first figure after a restart (the JIT warms up). */
  readonly restartWarmupSeconds: number;
  readonly lossConcurrency: number;
  readonly lossSeconds: number;
  readonly commit: string;
  /** Called after every figure, so a run cut short keeps what it measured. */
  readonly save: (run: StackRun) => void;
}

async function capacityFigure(
  config: Config,
  concurrency: number,
  warmupSeconds: number,
  o: RunOptions,
  round: number,
  say: Reporter,
): Promise<Omit<CapacityRecord, "variant" | "round">> {
  const f = await measureCapacity(
    config,
    {
      concurrency,
      warmupSeconds,
      seconds: o.seconds,
      // A short read phase after the inserts: the control (the commit log does not touch reads).
      rowsPerPartition: [10],
      storedRowsPerPartition: 20,
      partitions: 16,
      inPartitions: 0,
      groupedRows: 0,
      groupedConcurrency: 0,
      geohashLength: 8,
      seed: 42 + round,
    },
    say,
  );
  return {
    concurrency,
    insertsPerSecond: f.insertsPerSecond,
    readsPerSecond: f.partitionReadsPerSecond,
    errors: f.errors,
    firstError: f.firstError,
    clientCores: f.inserts.clientCores,
    loadAverage: f.loadAverage,
  };
}

export async function runStack(name: StackName, o: RunOptions, say: Reporter): Promise<StackRun> {
  const spec = stackSpec(name);
  const run: StackRun = {
    stack: name,
    date: new Date().toISOString(),
    commit: o.commit,
    variants: o.variants.map(variantLabel),
    concurrencies: o.concurrencies,
    rounds: o.rounds,
    seconds: o.seconds,
    warmupSeconds: o.warmupSeconds,
    capacity: [],
    lostWrites: [],
    failures: [],
    loadAverage: { start: loadavg()[0] ?? 0, end: 0 },
  };
  const attempt = async (
    variant: Variant,
    round: number,
    what: string,
    work: () => Promise<void>,
  ): Promise<void> => {
    try {
      await work();
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      run.failures.push({ variant: variantLabel(variant), round, what, error });
      say(`${name} ${variantLabel(variant)} ${what} FAILED: ${error}`);
      await useVariant(spec, variant, say); // whatever was killed runs again
    }
    o.save(run);
  };
  try {
    for (let round = 1; round <= o.rounds; round++) {
      for (const v of o.variants) {
        const variant = variantLabel(v);
        say(`${name} round ${round}/${o.rounds}: ${variant}`);
        const { config } = await useVariant(spec, v, say);
        for (const [i, concurrency] of o.concurrencies.entries()) {
          const warmup =
            i === 0 ? Math.max(o.warmupSeconds, o.restartWarmupSeconds) : o.warmupSeconds;
          await attempt(v, round, `capacity at ${concurrency}`, async () => {
            const f = await capacityFigure(config, concurrency, warmup, o, round, say);
            run.capacity.push({ variant, round, ...f });
            say(
              `${name} ${variant} at ${concurrency}: ${Math.round(f.insertsPerSecond)} inserts/s, ` +
                `${Math.round(f.readsPerSecond)} reads/s (load ${f.loadAverage.after.toFixed(1)})`,
            );
          });
        }
        if (v.concurrentWrites !== o.variants[0]?.concurrentWrites) continue;
        for (const scenario of spec.killScenarios) {
          await attempt(v, round, scenario.name, async () => {
            const r = await measureLostWrites(
              config,
              spec.root,
              scenario,
              {
                concurrency: o.lossConcurrency,
                writeSecondsBeforeKill: o.lossSeconds,
                partitions: 32,
              },
              say,
            );
            run.lostWrites.push({ ...r, variant, round });
            say(
              `${name} ${variant} ${scenario.name}: ${r.acknowledged} acknowledged, ${r.lost} lost, ` +
                `${r.missingAtProductConsistency} missing at the product's consistency`,
            );
          });
        }
      }
    }
  } finally {
    await stopStack(spec, say);
    run.loadAverage.end = loadavg()[0] ?? 0;
    o.save(run);
  }
  return run;
}
