import type { Consumer, Kafka } from "kafkajs";
import type { AnomalyAlert } from "../domain/detect/alert.js";

/** A distance for people: metres below 10 km, kilometres above. */
function metres(m: number): string {
  return m < 10_000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

/** Names a point for people ("12 km from Lagos, NG"), or undefined when nothing is near. */
export type PlaceNamer = (lat: number, lon: number) => string | undefined;

/** One alert as a line for people watching the demo; `nameOf` adds where it is. */
export function formatAlert(a: AnomalyAlert, nameOf?: PlaceNamer): string {
  const arrow = a.direction === "high" ? "above" : "below";
  const near = nameOf?.(a.event.lat, a.event.lon);
  return (
    `ALERT ${a.event.id}  value ${a.event.value.toFixed(2)} is ${Math.abs(a.score).toFixed(1)} spreads ${arrow} ` +
    `the ${a.neighbours.count} neighbours (expected ${a.expected.toFixed(2)} ± ${a.spread.toFixed(2)}, ${a.scorer}) ` +
    `at ${a.event.lat.toFixed(4)},${a.event.lon.toFixed(4)}${near === undefined ? "" : ` (${near})`}  [neighbours ${metres(a.neighbours.medianDistanceMeters)} ` +
    `median, ${metres(a.neighbours.maxDistanceMeters)} farthest; geohash ${a.search.geohash}, ` +
    `${a.search.reads} ${a.search.reads === 1 ? "read" : "reads"}, ${a.search.rowsRead} rows]`
  );
}

/** Follows the alert topic from its end and prints each alert as it arrives. */
export async function startAlertPrinter(
  kafka: Kafka,
  topic: string,
  print: (line: string) => void,
  nameOf?: PlaceNamer,
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: `geoanomaly-demo-printer-${Date.now().toString(36)}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({
    eachMessage: ({ message }) => {
      try {
        print(formatAlert(JSON.parse(message.value?.toString() ?? "") as AnomalyAlert, nameOf));
      } catch {
        print(`ALERT (unreadable) ${message.value?.toString() ?? ""}`);
      }
      return Promise.resolve();
    },
  });
  return consumer;
}
