import type { Admin } from "kafkajs";
import { describe, expect, it } from "vitest";
import { ensureTopics } from "../../../src/kafka/topics.js";

/** A fake admin at the port boundary: lists `existing`, refuses creation with `refusal`. */
function admin(existing: string[], refusal: Error): Admin {
  return {
    listTopics: () => Promise.resolve(existing),
    createTopics: () => Promise.reject(refusal),
  } as unknown as Admin;
}

describe("creating missing topics", () => {
  it("creates nothing and asks nothing when every topic exists (a login without CREATE starts)", async () => {
    const refusal = new Error("must not be called");
    await expect(
      ensureTopics(admin(["in", "out"], refusal), [{ topic: "in", partitions: 1 }], 1),
    ).resolves.toEqual([]);
  });

  it("names the missing topics and the step to run when the login may not create them", async () => {
    const denied = Object.assign(new Error("Not authorized"), {
      type: "TOPIC_AUTHORIZATION_FAILED",
    });
    const wrapped = Object.assign(new Error("aggregate"), { errors: [denied] });
    for (const refusal of [denied, wrapped]) {
      const attempt = ensureTopics(
        admin(["in"], refusal),
        [
          { topic: "in", partitions: 1 },
          { topic: "alerts", partitions: 1 },
        ],
        1,
      );
      await expect(attempt).rejects.toMatchObject({ code: "AUTH_FAILED" });
      await expect(attempt).rejects.toThrow(
        /topics alerts do not exist .*KAFKA_USERNAME.*servers grant/,
      );
    }
    const other = Object.assign(new Error("broker down"), { type: "REQUEST_TIMED_OUT" });
    await expect(ensureTopics(admin([], other), [{ topic: "in", partitions: 1 }], 1)).rejects.toBe(
      other,
    );
  });
});
