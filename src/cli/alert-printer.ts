import type { Consumer, Kafka } from "kafkajs";
import type { AnomalyAlert } from "../domain/alert.js";

/** A distance for people: metres below 10 km, kilometres above. */
function metres(m: number): string {
  return m < 10_000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

/** One alert as a line for people watching the demo. */
export function formatAlert(a: AnomalyAlert): string {
  const arrow = a.direction === "high" ? "above" : "below";
  return (
    `ALERT ${a.event.id}  value ${a.event.value.toFixed(2)} is ${Math.abs(a.score).toFixed(1)} spreads ${arrow} ` +
    `the ${a.neighbours.count} neighbours (expected ${a.expected.toFixed(2)} ± ${a.spread.toFixed(2)}, ${a.scorer}) ` +
    `at ${a.event.lat.toFixed(4)},${a.event.lon.toFixed(4)}  [neighbours ${metres(a.neighbours.medianDistanceMeters)} ` +
    `median, ${metres(a.neighbours.maxDistanceMeters)} farthest; geohash ${a.search.geohash}, ` +
    `${a.search.reads} ${a.search.reads === 1 ? "read" : "reads"}, ${a.search.rowsRead} rows]`
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
