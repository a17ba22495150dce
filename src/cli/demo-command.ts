import { Command, InvalidArgumentError } from "commander";
import { commandKafka } from "../app/clients.js";
import { startDetectorApp } from "../app/detector-app.js";
import { startQueryApp, type QueryApp } from "../app/query-app.js";
import { loadConfig } from "../config/load.js";
import { describeError } from "../errors.js";
import { createLogger } from "../observability/logger.js";
import { metricsSnapshot } from "../observability/metrics.js";
import { resolveLocalEndpoints } from "../servers/endpoints.js";
import { serversDown } from "../servers/local.js";
import {
  DISTRIBUTION_NAMES,
  isDistributionName,
  type DistributionName,
} from "../synthetic/distributions.js";
import { describeNearestPlace } from "../synthetic/places.js";
import { buildProducerFeed } from "../kafka/synthetic-producer.js";
import { startAlertPrinter } from "./alert-printer.js";
import { onShutdownSignal } from "./detect-command.js";

interface DemoFlags {
  rate: number;
  distribution: DistributionName;
  anomalyFraction: number;
  malformedFraction: number;
  duration?: number;
  keepServers?: boolean;
  logLevel: string;
}

function positive(what: string, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n < 0 || n > max)
      throw new InvalidArgumentError(`must be ${what}`);
    return n;
  };
}

/**
 * `geoanomaly demo` (what `npm start` runs): local servers when no endpoints
 * are configured, the detector in-process, a synthetic feed with injected
 * anomalies, and every alert printed as it arrives. Ctrl-C stops it all cleanly.
 */
export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "See the product work: start local Kafka and Cassandra if KAFKA_BROKERS / CASSANDRA_CONTACT_POINTS are not set, " +
        "run the detector, feed it synthetic events with injected anomalies, print alerts as they arrive. Ctrl-C stops.",
    )
    .option("--rate <events/s>", "synthetic events per second", positive("a number >= 0"), 200)
    .option(
      "--distribution <name>",
      `spatial distribution (${DISTRIBUTION_NAMES.join(", ")}); places: real cities and towns`,
      (v) => {
        if (!isDistributionName(v))
          throw new InvalidArgumentError(`must be one of ${DISTRIBUTION_NAMES.join(", ")}`);
        return v;
      },
      "places" as DistributionName,
    )
    .option(
      "--anomaly-fraction <f>",
      "fraction of injected anomalies",
      positive("a fraction in [0, 1]", 1),
      0.01,
    )
    .option(
      "--malformed-fraction <f>",
      "fraction of malformed messages (dead-lettered)",
      positive("a fraction in [0, 1]", 1),
      0.002,
    )
    .option(
      "--duration <s>",
      "stop by itself after this many seconds",
      positive("a number of seconds"),
    )
    .option("--keep-servers", "leave local servers this command started running at the end")
    .option("--log-level <level>", "detector log level", "warn")
    .action(async (flags: DemoFlags) => {
      const say = (line: string): void => console.log(line);
      const { endpoints, startedHere } = await resolveLocalEndpoints((line) =>
        say(`servers: ${line}`),
      );
      const config = loadConfig({
        kafkaBrokers: endpoints.kafkaBrokers.join(","),
        cassandraContactPoints: endpoints.cassandraContactPoints.join(","),
        cassandraLocalDc: endpoints.cassandraLocalDc,
        logLevel: flags.logLevel,
      });
      const logger = createLogger({ level: config.logLevel });
      const app = await startDetectorApp(config, logger);
      const api: QueryApp | undefined = await startQueryApp(config, logger).catch(
        (err: unknown) => {
          say(`map not started (API_PORT ${config.apiPort}): ${describeError(err)}`);
          return undefined;
        },
      );
      const kafka = commandKafka(config);
      const printer = await startAlertPrinter(kafka, config.alertTopic, say, describeNearestPlace);
      const feed = buildProducerFeed(kafka, {
        topic: config.inputTopic,
        rate: flags.rate,
        distribution: flags.distribution,
        anomalyFraction: flags.anomalyFraction,
        magnitudes: [6, 10],
        malformedFraction: flags.malformedFraction,
        seed: Date.now() % 1_000_000,
        idPrefix: `demo-${Date.now().toString(36)}-`,
      });
      say(
        `detector running: input ${config.inputTopic}, alerts ${config.alertTopic}, dead letters ${config.deadLetterTopic}; ` +
          `metrics http://127.0.0.1:${app.httpPort ?? "-"}/metrics. Feeding ${flags.rate} events/s (${flags.distribution}); ` +
          "the first checks say 'insufficient' until places have neighbours. Ctrl-C stops.",
      );
      if (api !== undefined) say(`map: ${api.url} (API: ${api.url}openapi.json)`);
      const status = setInterval(() => {
        void metricsSnapshot(app.metrics.registry).then((m) => {
          const c = (name: string): number => m.counters[name] ?? 0;
          say(
            `status: ${c("geoanomaly_checks_total")} checked (${c('geoanomaly_checks_total{result="insufficient"}')} insufficient), ` +
              `${c("geoanomaly_anomalies_total")} anomalies, ${c("geoanomaly_dead_letters_total")} dead letters`,
          );
        });
      }, 10_000);

      let finishing: Promise<void> | undefined;
      const finish = (): Promise<void> => (finishing ??= shutdown());
      const shutdown = async (): Promise<void> => {
        clearInterval(status);
        say("stopping: feed, detector (finishing and committing in-flight work), alert printer...");
        await feed.stop();
        await api?.stop();
        await app.stop();
        await printer.disconnect();
        if (startedHere && flags.keepServers !== true)
          await serversDown((line) => say(`servers: ${line}`));
        say("stopped cleanly");
      };
      onShutdownSignal(() => void finish());
      if (flags.duration !== undefined)
        setTimeout(() => void finish(), flags.duration * 1000).unref();
      const { error } = await app.stopped;
      await finish();
      process.exitCode = error === undefined ? 0 : 1;
    });
}
