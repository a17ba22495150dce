/**
 * The source article's other data models, kept for the benchmark's comparison rows: each is a
 * StoreFactory the detector is assembled with, through the product's own composition root.
 */
import type { StoreFactory } from "../../src/compose.js";
import { ClusteringColumnsStore } from "./clustering-columns.js";
import { PrefixRangeStore } from "./prefix-range.js";
import { SecondaryIndexStore } from "./secondary-index.js";
import { schemaStatements } from "../../src/cassandra/schema.js";

export const MODEL_NAMES = ["clustering-columns", "prefix-range", "secondary-index"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

const STORES = {
  "clustering-columns": ClusteringColumnsStore,
  "prefix-range": PrefixRangeStore,
  "secondary-index": SecondaryIndexStore,
} as const;

/** The store factory of a comparison model (keyspace from the product's schema, tables its own). */
export function modelStoreFactory(name: ModelName): StoreFactory {
  return (client, keyspace, layout) => {
    const store = new STORES[name](client, keyspace, layout);
    return {
      store,
      applySchema: async (replication) => {
        const [keyspaceCql] = schemaStatements(layout, keyspace, replication);
        if (keyspaceCql !== undefined) await client.execute(keyspaceCql, [], { prepare: false });
        await store.schema();
      },
    };
  };
}
