import { Command } from "commander";
import { startDetectorApp } from "../app/detector-app.js";
import type { StoreFactory } from "../app/assembly.js";
import { loadConfig, type Config } from "../config/load.js";
import { describeError, isGeoAnomalyError, type ErrorCode } from "../errors.js";
import { createLogger } from "../observability/logger.js";
import { addConfigOptions, overridesFrom } from "./config-options.js";
import { startBoundedStop } from "./bounded-stop.js";

/** Start failures a person fixes in the settings: reported as one line, without a stack. */
const ACCESS_CODES: readonly ErrorCode[] = ["AUTH_FAILED", "TLS_FAILED"];

/** Runs `fn` once on the first SIGINT/SIGTERM; a second signal exits at once. */
export function onShutdownSignal(fn: (signal: string) => void): void {
  let seen = false;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      if (seen) {
        console.error(`received ${sig} again: exiting without waiting`);
        process.exit(130);
      }
      seen = true;
      fn(sig);
    });
  }
}

/**
 * Runs the detector service until a signal stops it: what `geoanomaly detect` does, and what the
 * benchmark's comparison entry point does with another store. Sets the process exit code.
 */
export async function runDetector(
  config: Config,
  options: { readonly storeFactory?: StoreFactory } = {},
): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  let app;
  try {
    app = await startDetectorApp(config, logger, options);
  } catch (err) {
    if (isGeoAnomalyError(err) && ACCESS_CODES.includes(err.code)) {
      // Refused credentials or an untrusted certificate: one line that names the setting.
      logger.fatal({ code: err.code }, err.message);
      process.exit(1);
    }
    logger.fatal({ err }, `detector failed to start: ${describeError(err)}`);
    // Clients opened before the failure would keep the process alive: a failed start must end it.
    logger.flush();
    process.exit(1);
  }
  const running = app;
  onShutdownSignal((sig) => {
    logger.info({ signal: sig }, "shutdown requested");
    startBoundedStop(running, config.shutdownTimeoutMs, {
      report: (fields, message) => logger.error(fields, message),
      exit: (code) => {
        logger.flush();
        process.exit(code);
      },
    });
  });
  const { error } = await running.stopped;
  // Everything is committed and closed: exit now rather than wait for the event loop to drain,
  // which a client library's leftover timer or socket can hold open for minutes after a fault.
  const lingering = process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap");
  if (lingering.length > 0) logger.debug({ lingering }, "exiting with handles still open");
  logger.flush();
  process.exit(error === undefined ? 0 : 1);
}

/** `geoanomaly detect`: the streaming service. */
export function detectCommand(): Command {
  const cmd = new Command("detect").description(
    "Run the detector: consume events, store them at every stored geohash length, search the k nearest " +
      "neighbours within the distance bound, score, publish alerts, commit. Creates missing topics and tables. " +
      "SIGINT/SIGTERM stop it cleanly (in-flight work finished and committed). Every option can also be set by " +
      "its environment variable.",
  );
  addConfigOptions(cmd);
  cmd.action((opts: Record<string, unknown>) => runDetector(loadConfig(overridesFrom(opts))));
  return cmd;
}
