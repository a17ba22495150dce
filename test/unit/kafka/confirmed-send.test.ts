import type { Message, RecordMetadata } from "kafkajs";
import { describe, expect, it } from "vitest";
import {
  CONFIRM_ATTEMPTS,
  sendConfirmed,
  unconfirmed,
  withPartitions,
  type SendPort,
} from "../../../src/kafka/confirmed-send.js";

const TOPIC = "events";
const messages: Message[] = Array.from({ length: 40 }, (_, i) => ({
  key: `u${i % 13}`,
  value: `event ${i}`,
}));

/** The answer kafkajs gives for a send: one entry per partition written, minus `skipped`. */
function answer(sent: readonly Message[], skipped: ReadonlySet<number>): RecordMetadata[] {
  const parts = [...new Set(sent.map((m) => m.partition ?? -1))].filter((p) => !skipped.has(p));
  return parts.map((partition) => ({ topicName: TOPIC, partition, errorCode: 0 }));
}

describe("a send confirmed per partition", () => {
  it("gives a keyed message the same partition every time, within the topic's partitions", () => {
    const a = withPartitions(TOPIC, messages, 6);
    const b = withPartitions(TOPIC, messages, 6);
    expect(a.map((m) => m.partition)).toEqual(b.map((m) => m.partition));
    expect(a.every((m) => m.partition >= 0 && m.partition < 6)).toBe(true);
    expect(new Set(a.map((m) => m.partition)).size).toBeGreaterThan(1);
    expect(a.filter((m) => m.key === "u3").every((m) => m.partition === a[3]?.partition)).toBe(
      true,
    );
  });

  it("sends again only the messages of a partition kafkajs skipped, until it is confirmed", async () => {
    const sends: Message[][] = [];
    const skipped = withPartitions(TOPIC, messages, 6)[0]?.partition ?? 0;
    // kafkajs issue 1303: the first send resolves without the partition whose leader died.
    const send: SendPort = (r) => {
      sends.push(r.messages);
      return Promise.resolve(
        answer(r.messages, sends.length === 1 ? new Set([skipped]) : new Set()),
      );
    };
    let resent = 0;
    await sendConfirmed(send, TOPIC, messages, 6, { onResend: (n) => (resent += n) });
    expect(sends).toHaveLength(2);
    expect(sends[0]).toHaveLength(messages.length);
    expect(sends[1]?.every((m) => m.partition === skipped)).toBe(true);
    expect(sends[1]?.length).toBe(resent);
    expect(resent).toBeGreaterThan(0);
    const ids = [...(sends[1] ?? []), ...(sends[0] ?? []).filter((m) => m.partition !== skipped)];
    expect(ids.map((m) => m.value).sort()).toEqual(messages.map((m) => m.value).sort());
  });

  it("does not count a partition whose answer carries an error as written", () => {
    const sent = withPartitions(TOPIC, messages, 6);
    const p = sent[0]?.partition ?? 0;
    const reply: RecordMetadata[] = [
      ...answer(sent, new Set([p])),
      { topicName: TOPIC, partition: p, errorCode: 6 },
    ];
    expect(unconfirmed(TOPIC, sent, reply)).toEqual(sent.filter((m) => m.partition === p));
    expect(unconfirmed(TOPIC, sent, answer(sent, new Set()))).toEqual([]);
  });

  it("fails, naming the partitions, when one is never confirmed", async () => {
    let calls = 0;
    const p = withPartitions(TOPIC, messages, 6)[0]?.partition ?? 0;
    const send: SendPort = (r) => {
      calls += 1;
      return Promise.resolve(answer(r.messages, new Set([p])));
    };
    await expect(sendConfirmed(send, TOPIC, messages, 6)).rejects.toThrow(
      new RegExp(`partitions ${p} not confirmed after ${CONFIRM_ATTEMPTS} sends`),
    );
    expect(calls).toBe(CONFIRM_ATTEMPTS);
  });
});
