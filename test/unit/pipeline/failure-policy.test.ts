import cassandra from "cassandra-driver";
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from "kafkajs";
import { describe, expect, it } from "vitest";
import { storeError } from "../../../src/cassandra/errors.js";
import { isUnknownKeyspace } from "../../../src/cassandra/schema.js";
import { GeoAnomalyError } from "../../../src/errors.js";
import { busError, isTransientKafkaLog } from "../../../src/kafka/errors.js";
import { decideFailure } from "../../../src/pipeline/failure-policy.js";

const OPTS = { initialMs: 100, maxMs: 1000, attempts: 3 };
const codes = cassandra.types.responseErrorCodes;
const response = (code: number, message: string): Error =>
  new cassandra.errors.ResponseError(code, message);

describe("decideFailure", () => {
  it("retries a retriable failure with backoff while attempts last, then pauses", () => {
    const e = new GeoAnomalyError("STORE_WRITE_FAILED", "timeout", { retriable: true });
    expect(decideFailure(e, 0, OPTS, () => 0)).toEqual({ action: "retry", delayMs: 50 });
    expect(decideFailure(e, 2, OPTS, () => 1)).toEqual({ action: "retry", delayMs: 400 });
    expect(decideFailure(e, 3, OPTS)).toEqual({ action: "pause" });
  });

  it("pauses at once on a failure retrying cannot fix", () => {
    const e = new GeoAnomalyError("STORE_READ_FAILED", "table does not exist");
    expect(decideFailure(e, 0, OPTS)).toEqual({ action: "pause" });
  });

  it("dead-letters an event the store refuses", () => {
    expect(decideFailure(new GeoAnomalyError("EVENT_REJECTED", "x"), 0, OPTS)).toEqual({
      action: "dead-letter",
    });
  });

  it("treats an unclassified error as retriable", () => {
    expect(decideFailure(new Error("?"), 0, OPTS, () => 0).action).toBe("retry");
  });
});

/** What the driver throws for a request whose connection closed under it (a node that died). */
function socketClosed(): Error {
  // DriverError is abstract in the typings; the driver itself throws one with this flag.
  const DriverError = cassandra.errors.DriverError as unknown as new (message: string) => Error;
  return Object.assign(new DriverError("Socket was closed"), { isSocketError: true });
}

describe("storeError", () => {
  it("makes timeouts, unavailable replicas and lost hosts retriable", () => {
    for (const err of [
      response(codes.writeTimeout, "Operation timed out - received only 1 responses."),
      response(codes.readTimeout, "timed out"),
      response(codes.unavailableException, "Cannot achieve consistency level LOCAL_QUORUM"),
      response(codes.overloaded, "overloaded"),
      new cassandra.errors.OperationTimedOutError("client timeout", "127.0.0.1:9042"),
      new cassandra.errors.NoHostAvailableError({}),
      socketClosed(),
    ]) {
      const e = storeError("write", err);
      expect(e).toMatchObject({ code: "STORE_WRITE_FAILED", retriable: true, cause: err });
    }
  });

  it("does not retry a dropped table, a refused login or bad CQL", () => {
    for (const err of [
      response(codes.invalid, "table events_l5 does not exist"),
      response(codes.unauthorized, "User geo has no MODIFY permission"),
      response(codes.syntaxError, "line 1:0 no viable alternative"),
      new cassandra.errors.AuthenticationError("Provided username and/or password are incorrect"),
    ]) {
      expect(storeError("read", err)).toMatchObject({
        code: "STORE_READ_FAILED",
        retriable: false,
      });
    }
  });

  it("blames the event for a value the driver cannot encode", () => {
    const e = storeError("write", new TypeError("Expected Number, obtained string"));
    expect(e.code).toBe("EVENT_REJECTED");
  });

  it("takes the fan-out of writes as a whole: retriable only if every part is", () => {
    const transient = response(codes.writeTimeout, "t");
    const missing = response(codes.invalid, "table events_l4 does not exist");
    expect(
      storeError("write", new AggregateError([transient, transient], "2 failed")).retriable,
    ).toBe(true);
    expect(
      storeError("write", new AggregateError([transient, missing], "2 failed")).retriable,
    ).toBe(false);
  });
});

describe("busError", () => {
  it("keeps kafkajs's own verdict on retrying", () => {
    expect(busError(new KafkaJSConnectionError("Connection error: ECONNREFUSED")).retriable).toBe(
      true,
    );
    expect(busError(new KafkaJSNonRetriableError(new Error("too large"))).retriable).toBe(false);
    // What kafkajs raises for a broker's "leader not available": retriable by its own table.
    const leader = Object.assign(new Error("There is no leader for this topic-partition"), {
      type: "LEADER_NOT_AVAILABLE",
      code: 5,
      retriable: true,
    });
    expect(busError(new KafkaJSProtocolError(leader)).retriable).toBe(true);
    expect(busError(new Error("odd")).code).toBe("BUS_PUBLISH_FAILED");
  });
});

describe("isTransientKafkaLog", () => {
  it("recognises the coordinator and leadership noise of a forming group", () => {
    expect(
      isTransientKafkaLog({
        message: "[Connection] Response GroupCoordinator(key: 10, version: 2)",
        error: "The group coordinator is not available",
      }),
    ).toBe(true);
    expect(
      isTransientKafkaLog({ message: "Crash: KafkaJSNumberOfRetriesExceeded", error: "x" }),
    ).toBe(false);
  });
});

describe("isUnknownKeyspace", () => {
  it("knows a coordinator that has not seen a new keyspace yet, and nothing else", () => {
    expect(isUnknownKeyspace(response(codes.invalid, "Keyspace 'geo_1' doesn't exist"))).toBe(true);
    expect(isUnknownKeyspace(response(codes.invalid, "table events_l5 does not exist"))).toBe(
      false,
    );
    expect(isUnknownKeyspace(response(codes.syntaxError, "Keyspace 'x' doesn't exist"))).toBe(
      false,
    );
    expect(isUnknownKeyspace(new Error("Keyspace 'x' doesn't exist"))).toBe(false);
  });
});
