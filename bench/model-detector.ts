/**
 * The detector service with one of the source article's other data models as its store, for the
 * benchmark's comparison rows: the product's own composition root and lifecycle, configured by
 * the same environment variables, plus BENCH_DATA_MODEL naming the model.
 */
import { runDetector } from "../src/cli/detect-command.js";
import { loadConfig } from "../src/config/load.js";
import { MODEL_NAMES, modelStoreFactory, type ModelName } from "./models/model-store.js";

const name = process.env["BENCH_DATA_MODEL"] ?? "";
if (!(MODEL_NAMES as readonly string[]).includes(name)) {
  console.error(`BENCH_DATA_MODEL must be one of ${MODEL_NAMES.join(", ")}, got "${name}"`);
  process.exit(2);
}
await runDetector(loadConfig(), { storeFactory: modelStoreFactory(name as ModelName) });
