import type { Consumer, Kafka } from "kafkajs";
import type { AnomalyAlert } from "../domain/alert.js";

/** One alert as a line for people watching the demo. */
export function formatAlert(a: AnomalyAlert): string {
  const arrow = a.direction === "high" ? "above" : "below";
  return (
    `ALERT ${a.event.id}  value ${a.event.value.toFixed(2)} is ${Math.abs(a.score).toFixed(1)} spreads ${arrow} ` +
    `the ${a.neighbourCount} neighbours (expected ${a.expected.toFixed(2)} ± ${a.spread.toFixed(2)}, ${a.scorer}) ` +
    `at ${a.event.lat.toFixed(4)},${a.event.lon.toFixed(4)}  [geohash ${a.search.geohash}, ` +
    `${a.search.radiusMeters} m, ${a.search.queries} queries]`
  );
}

/** Follows the alert topic from its end and prints each alert as it arrives. */
export async function startAlertPrinter(
  kafka: Kafka,
  topic: string,
  print: (line: string) => void,
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: `geoanomaly-demo-printer-${Date.now().toString(36)}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: ({ message }) => {
      try {
        print(formatAlert(JSON.parse(message.value?.toString() ?? "") as AnomalyAlert));
      } catch {
        print(`ALERT (unreadable) ${message.value?.toString() ?? ""}`);
      }
      return Promise.resolve();
    },
  });
  return consumer;
}
