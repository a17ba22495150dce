/**
 * `npx tsx bench/sse/main.ts`: how long an alert takes from its publication on the alert topic to
 * a client of the live alert stream. Starts the real query API (`geoanomaly serve`, a child
 * process) on a topic of its own, opens SSE clients over the whole world, publishes alerts of the
 * v2 contract at a steady rate for a while, and measures each alert's delay at each client from
 * the moment the producer was asked to send it and from the broker's acknowledgement. The
 * servers come from KAFKA_BROKERS, CASSANDRA_CONTACT_POINTS and CASSANDRA_LOCAL_DC. Writes the
 * figures to results.json beside this file.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { Kafka, Partitioners } from "kafkajs";
import ngeohash from "ngeohash";
import { SETTINGS } from "../../src/config/settings.js";
import type { AnomalyAlert } from "../../src/domain/detect/alert.js";
import { sampleAlert } from "../../test/support/sample-alert.js";
import { openSse, type SseClient } from "../../test/support/sse-client.js";
import { whole } from "../lib/cli-numbers.js";
import { freePort } from "../lib/detector-process.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, "..", "..", "bin", "geoanomaly.js");
const say = (line: string): void => void process.stdout.write(`[sse] ${line}\n`);
const now = (): number => performance.timeOrigin + performance.now();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Options {
  rate: number;
  seconds: number;
  clients: number;
  out: string;
}

function options(argv: readonly string[]): Options {
  return new Command("bench-sse")
    .option("--rate <n>", "alerts published per second", whole("--rate"), 100)
    .option("--seconds <n>", "how long alerts are published", whole("--seconds"), 60)
    .option("--clients <n>", "SSE clients, each over the whole world", whole("--clients"), 5)
    .option("--out <file>", "results file", path.join(HERE, "results.json"))
    .parse(argv)
    .opts<Options>();
}

function percentiles(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    count: s.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(at(1)),
  };
}

async function main(): Promise<void> {
  const opts = options(process.argv);
  const brokers = (process.env["KAFKA_BROKERS"] ?? "127.0.0.1:9092").split(",");
  const topic = `bench-sse-${Date.now().toString(36)}`;
  const kafka = new Kafka({ clientId: "bench-sse", brokers, logLevel: 0 });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
  const port = await freePort();
  const api = spawn(process.execPath, [CLI, "serve"], {
    env: { ...process.env, API_PORT: String(port), ALERT_TOPIC: topic, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const clients: SseClient[] = [];
  try {
    const url = `http://127.0.0.1:${port}/v1/alerts/stream?bbox=-180,-90,180,90`;
    for (let i = 0; ; i++) {
      const probe = await openSse(url).catch(() => undefined);
      probe?.close();
      if (probe?.status === 200) break;
      if (i > 120) throw new Error("the API's alert stream did not come up within a minute");
      await pause(500);
    }
    const sentAt = new Map<string, number>();
    const ackedAt = new Map<string, number>();
    const fromSend: number[] = [];
    const fromAck: number[] = [];
    const received = Array.from({ length: opts.clients }, () => new Map<string, number>());
    for (let c = 0; c < opts.clients; c++) {
      const seen = received[c] ?? new Map<string, number>();
      clients.push(
        await openSse(url, {
          onEvent: (e) => {
            const id = (JSON.parse(e.data) as AnomalyAlert).event.id;
            seen.set(id, (seen.get(id) ?? 0) + 1);
            fromSend.push(e.receivedAt - (sentAt.get(id) ?? NaN));
            const acked = ackedAt.get(id);
            if (acked !== undefined) fromAck.push(e.receivedAt - acked);
          },
        }),
      );
    }
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const total = opts.rate * opts.seconds;
    say(`publishing ${total} alerts at ${opts.rate}/s to ${opts.clients} SSE clients`);
    const start = now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / opts.rate;
      if (due > now()) await pause(due - now());
      const lat = Math.random() * 160 - 80;
      const lon = Math.random() * 360 - 180;
      const id = `sse-${i}`;
      const alert = {
        ...sampleAlert(id, lat, lon, Date.now(), 0),
        region: ngeohash.encode(lat, lon, 3),
      };
      sentAt.set(id, now());
      sends.push(
        producer
          .send({ topic, messages: [{ key: alert.region, value: JSON.stringify(alert) }] })
          .then(() => ackedAt.set(id, now())),
      );
    }
    await Promise.all(sends);
    await pause(3000);
    await producer.disconnect();
    const perClient = received.map((m) => ({
      received: m.size,
      lost: total - m.size,
      repeated: [...m.values()].filter((n) => n > 1).length,
    }));
    const results = {
      command: `npx tsx bench/sse/main.ts --rate ${opts.rate} --seconds ${opts.seconds} --clients ${opts.clients}`,
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0] ?? 0) },
      settings: {
        rate: opts.rate,
        seconds: opts.seconds,
        clients: opts.clients,
        topicPartitions: 4,
        reorderMs: Number(
          process.env["API_STREAM_REORDER_MS"] ?? SETTINGS.apiStreamReorderMs.default,
        ),
      },
      published: total,
      perClient,
      delayFromSendMs: percentiles(fromSend),
      delayFromAckMs: percentiles(fromAck),
    };
    writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
    say(`delay from send: ${JSON.stringify(results.delayFromSendMs)}`);
    say(`delay from ack:  ${JSON.stringify(results.delayFromAckMs)}`);
    say(`per client: ${JSON.stringify(perClient)}; written to ${opts.out}`);
  } finally {
    for (const c of clients) c.close();
    api.kill("SIGTERM");
    await new Promise((r) => api.once("exit", r));
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

await main();
