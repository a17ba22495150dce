import { describe, expect, it } from "vitest";
import { detectorStopSteps, type DetectorParts } from "../../../src/app/detector-stop.js";
import { orderedShutdown } from "../../../src/app/shutdown.js";

/** Fakes of every part the detector closes, recording the order of the closes. */
function parts(failing: readonly string[] = []): { parts: DetectorParts; closed: string[] } {
  const closed: string[] = [];
  const close = (name: string) => (): Promise<void> => {
    closed.push(name);
    return failing.includes(name) ? Promise.reject(new Error(`${name} failed`)) : Promise.resolve();
  };
  return {
    closed,
    parts: {
      loop: { stop: close("consumer") },
      roller: { stop: close("roller") },
      producer: { disconnect: close("producer") },
      admin: { disconnect: close("admin") },
      cassandra: { shutdown: close("cassandra") },
      http: { close: close("http") },
    },
  };
}

describe("the detector's stop", () => {
  it("leaves the group (committing only durable work) before it closes what that work wrote through", async () => {
    const { parts: p, closed } = parts();
    const warnings: unknown[] = [];
    await orderedShutdown(
      { debug: () => undefined },
      detectorStopSteps(p, { warn: (o: unknown) => warnings.push(o) }),
    ).stop();
    expect(closed).toEqual(["consumer", "roller", "producer", "admin", "cassandra", "http"]);
    expect(warnings).toEqual([]);
  });

  it("goes on past a consumer stop or a producer disconnect that fails (a dead broker), logging each", async () => {
    const { parts: p, closed } = parts(["consumer", "producer", "admin", "cassandra"]);
    const warnings: string[] = [];
    const shutdown = orderedShutdown(
      { debug: () => undefined },
      detectorStopSteps(p, { warn: (_o: unknown, msg?: string) => warnings.push(msg ?? "") }),
    );
    await shutdown.stop();
    expect(closed).toEqual(["consumer", "roller", "producer", "admin", "cassandra", "http"]);
    expect(warnings).toEqual(["consumer stop failed", "producer disconnect failed"]);
    expect(shutdown.step()).toBe("stopped");
  });

  it("names the step a hanging close holds it in, for the deadline's message", async () => {
    const { parts: p, closed } = parts();
    const never = new Promise<void>(() => undefined);
    const shutdown = orderedShutdown(
      { debug: () => undefined },
      detectorStopSteps({ ...p, producer: { disconnect: () => never } }, { warn: () => undefined }),
    );
    void shutdown.stop();
    await new Promise((r) => setTimeout(r, 10));
    expect(shutdown.step()).toBe("disconnecting the alert and dead-letter producer");
    expect(closed).toEqual(["consumer", "roller"]);
  });

  it("closes a detector without a summary or a metrics server", async () => {
    const { parts: full, closed } = parts();
    const { roller: _r, http: _h, ...p } = full;
    await orderedShutdown(
      { debug: () => undefined },
      detectorStopSteps(p, { warn: () => undefined }),
    ).stop();
    expect(closed).toEqual(["consumer", "producer", "admin", "cassandra"]);
  });
});
