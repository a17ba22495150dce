import { describe, expect, it } from "vitest";
import {
  isCoordinatorUnreachable,
  rejoinOnCoordinatorLoss,
} from "../../../src/kafka/coordinator-loss.js";

function named(name: string, cause?: unknown): Error {
  const e = new Error(name, cause === undefined ? undefined : { cause });
  e.name = name;
  return e;
}

describe("a coordinator that cannot be reached", () => {
  it.each([
    ["a refused connection", named("KafkaJSConnectionError"), true],
    ["a closed connection", named("KafkaJSConnectionClosedError"), true],
    [
      "retries exceeded on a refused connection",
      named("KafkaJSNumberOfRetriesExceeded", named("KafkaJSConnectionError")),
      true,
    ],
    ["a request timeout", named("KafkaJSRequestTimeoutError"), false],
    ["a rebalance", named("KafkaJSProtocolError"), false],
    ["not an error", undefined, false],
  ])("is recognised in %s: %s", (_what, error, expected) => {
    expect(isCoordinatorUnreachable(error)).toBe(expected);
  });

  it("becomes kafkajs's 'not coordinator' error, keeping the original as its cause", () => {
    const refused = named("KafkaJSConnectionError");
    const rejoin = rejoinOnCoordinatorLoss(refused) as Error & { type: string; cause: unknown };
    expect(rejoin.name).toBe("KafkaJSProtocolError");
    expect(rejoin.type).toBe("NOT_COORDINATOR_FOR_GROUP");
    expect(rejoin.cause).toBe(refused);
  });

  it("leaves every other error as it is", () => {
    const timeout = named("KafkaJSRequestTimeoutError");
    expect(rejoinOnCoordinatorLoss(timeout)).toBe(timeout);
  });
});
