import type { EventStore } from "../../pipeline/ports.js";

/** A comparison model's store: an EventStore that also creates its own tables. */
export interface ModelStore extends EventStore {
  /** Creates the model's tables (the keyspace must exist). */
  schema(): Promise<void>;
}
