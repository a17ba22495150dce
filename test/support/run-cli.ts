// Runs the CLI from source, for tests that need the detector as a separate process.
import { main } from "../../src/cli/main.js";

await main(process.argv);
