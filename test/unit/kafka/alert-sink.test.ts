import kafkajs, { type Producer, type ProducerRecord } from "kafkajs";
import { describe, expect, it } from "vitest";
import { buildAlert, type AnomalyAlert } from "../../../src/domain/detect/alert.js";
import type { SearchResult } from "../../../src/domain/detect/search.js";
import { KafkaAlertSink } from "../../../src/kafka/alert-sink.js";

const T = Date.UTC(2026, 0, 1);

const search: SearchResult = {
  neighbours: [12, 40].map((d, i) => ({
    id: `n${i}`,
    lat: 48.8566,
    lon: 2.3522,
    value: 20,
    timeMs: T - i,
    distanceMeters: d,
  })),
  outcome: "complete",
  stopLength: 7,
  coveredRadiusMeters: 120,
  maxDistanceMeters: 25_000,
  windowFromMs: T - 86_400_000,
  windowToMs: T,
  windowCut: false,
  reads: 1,
  rowsRead: 40,
  partitionsRead: 4,
};

function alert(id: string, lat: number, lon: number, hash: string): AnomalyAlert {
  return buildAlert(
    { id, lat, lon, value: 35, timeMs: T },
    hash,
    {
      kind: "scored",
      scorer: "robust",
      score: 7.5,
      threshold: 4,
      expected: 20,
      spread: 2,
      anomalous: true,
      neighbourCount: 2,
    },
    search,
    3,
    T + 1000,
  );
}

/**
 * A fake producer at the port: records each send and answers for every partition it wrote, as
 * Kafka does, or refuses it with `failure`.
 */
function fakeProducer(failure?: Error): { producer: Producer; sent: ProducerRecord[] } {
  const sent: ProducerRecord[] = [];
  const producer = {
    send: (record: ProducerRecord) => {
      sent.push(record);
      const partitions = [...new Set(record.messages.map((m) => m.partition ?? -1))];
      const answer = partitions.map((partition) => ({
        topicName: record.topic,
        partition,
        errorCode: 0,
      }));
      return failure === undefined ? Promise.resolve(answer) : Promise.reject(failure);
    },
  } as unknown as Producer;
  return { producer, sent };
}

describe("the Kafka alert sink", () => {
  it("sends a batch's alerts in one request to the alert topic, acknowledged by all in-sync replicas", async () => {
    const { producer, sent } = fakeProducer();
    const alerts = [
      alert("e1", 48.8566, 2.3522, "u09tvw0f"),
      alert("e2", 35.68, 139.69, "xn76urx6"),
    ];
    await new KafkaAlertSink(producer, "alerts", 6).publish(alerts);

    expect(sent).toHaveLength(1);
    const record = sent[0];
    expect(record?.topic).toBe("alerts");
    expect(record?.acks).toBe(-1);
    expect(record?.messages).toHaveLength(2);
    record?.messages.forEach((message, i) => {
      const a = alerts[i];
      expect(message.key).toBe(a?.region);
      expect(JSON.parse(String(message.value))).toEqual(a);
      expect(message.headers).toEqual({
        "content-type": "application/json",
        "schema-version": "2",
        "event-id": a?.event.id,
      });
    });
    expect(record?.messages.map((m) => m.key)).toEqual(["u09", "xn7"]);
    // The partition kafkajs's default partitioner would choose, set so the answer can confirm it.
    expect(record?.messages.every((m) => Number.isInteger(m.partition))).toBe(true);
  });

  it("turns a refused send into a bus error that keeps kafkajs's retriable flag and the cause", async () => {
    const transient = new kafkajs.KafkaJSError("leader not available", { retriable: true });
    const { producer } = fakeProducer(transient);
    const attempt = new KafkaAlertSink(producer, "alerts", 6).publish([
      alert("e1", 48.8566, 2.3522, "u09tvw0f"),
    ]);
    await expect(attempt).rejects.toMatchObject({
      code: "BUS_PUBLISH_FAILED",
      retriable: true,
      cause: transient,
    });
    await expect(attempt).rejects.toThrow(/Kafka publish failed: leader not available/);

    const fatal = new Error("record too large");
    const refused = new KafkaAlertSink(fakeProducer(fatal).producer, "alerts", 6).publish([
      alert("e2", 48.8566, 2.3522, "u09tvw0f"),
    ]);
    await expect(refused).rejects.toMatchObject({ code: "BUS_PUBLISH_FAILED", retriable: false });
  });
});
