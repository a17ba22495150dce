#!/usr/bin/env node
// Entry point of the installed CLI: runs the compiled TypeScript in dist/.
import { main } from "../dist/cli/main.js";

await main(process.argv);
