/**
 * The data model factory: the default table-per-length store, or one of the source article's
 * other layouts kept for benchmark comparison (DATA_MODEL). The composition root asks it for the
 * store and its schema.
 */
import type cassandra from "cassandra-driver";
import type { Config } from "../../config/load.js";
import type { LevelLayout } from "../../domain/levels.js";
import type { EventStore } from "../../pipeline/ports.js";
import { CassandraEventStore } from "../event-store.js";
import { applySchema, schemaStatements } from "../schema.js";
import { ClusteringColumnsStore } from "./clustering-columns.js";
import type { ModelStore } from "./model-store.js";
import { PrefixRangeStore } from "./prefix-range.js";
import { SecondaryIndexStore } from "./secondary-index.js";

export type DataModelName = Config["dataModel"];

/** What the composition root needs from a data model. */
export interface DataModel {
  readonly name: DataModelName;
  readonly store: EventStore;
  /** Creates the keyspace and the model's tables; safe to run again. */
  applySchema(replication: string): Promise<void>;
}

const STORES = {
  "clustering-columns": ClusteringColumnsStore,
  "prefix-range": PrefixRangeStore,
  "secondary-index": SecondaryIndexStore,
} as const;

/** Builds the store of `name` on `client`; statements name `keyspace`. */
export function createDataModel(
  name: DataModelName,
  client: cassandra.Client,
  keyspace: string,
  layout: LevelLayout,
  k: number,
): DataModel {
  if (name === "table-per-length") {
    return {
      name,
      store: new CassandraEventStore(client, keyspace, layout, k),
      applySchema: (replication) => applySchema(client, layout, keyspace, replication),
    };
  }
  const store: ModelStore = new STORES[name](client, keyspace, layout, k);
  return {
    name,
    store,
    applySchema: async (replication) => {
      const [keyspaceCql] = schemaStatements(layout, keyspace, replication);
      if (keyspaceCql !== undefined) await client.execute(keyspaceCql, [], { prepare: false });
      await store.schema();
    },
  };
}
