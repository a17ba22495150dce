/** Prometheus instruments under the product's `geoanomaly_` prefix, on a registry of the caller's. */
import { Counter, Histogram, type Registry } from "prom-client";

export const PREFIX = "geoanomaly_";

/** A counter named `geoanomaly_<name>`. */
export function counter<L extends string = never>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Counter<L> {
  return new Counter<L>({ name: PREFIX + name, help, labelNames, registers: [registry] });
}

/** A histogram named `geoanomaly_<name>` with the given bucket bounds. */
export function histogram(
  registry: Registry,
  name: string,
  help: string,
  buckets: readonly number[],
): Histogram {
  return new Histogram({ name: PREFIX + name, help, buckets: [...buckets], registers: [registry] });
}
