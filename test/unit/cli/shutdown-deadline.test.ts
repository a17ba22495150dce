import { afterEach, describe, expect, it, vi } from "vitest";
import { armShutdownDeadline } from "../../../src/cli/shutdown-deadline.js";

describe("the shutdown deadline", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("names the step the stop hangs in and exits 1 once the timeout has passed", () => {
    vi.useFakeTimers();
    let step = "finishing in-flight batches and leaving the consumer group";
    const reports: {
      fields: { step: string; timeoutMs: number; lingering: string[] };
      message: string;
    }[] = [];
    const exits: number[] = [];
    armShutdownDeadline(30_000, {
      step: () => step,
      report: (fields, message) => reports.push({ fields, message }),
      exit: (code) => exits.push(code),
    });
    step = "closing the Cassandra session";
    vi.advanceTimersByTime(29_999);
    expect(exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(exits).toEqual([1]);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.fields).toMatchObject({
      step: "closing the Cassandra session",
      timeoutMs: 30_000,
    });
    expect(Array.isArray(reports[0]?.fields.lingering)).toBe(true); // what holds the process
    expect(reports[0]?.message).toMatch(/SHUTDOWN_TIMEOUT_MS=30000.*redelivered/);
  });

  it("does not hold the process open: its timer is unreferenced", () => {
    const unref = vi.fn();
    armShutdownDeadline(1000, {
      step: () => "",
      report: () => undefined,
      exit: () => undefined,
      setTimer: () => ({ unref }),
    });
    expect(unref).toHaveBeenCalledOnce();
  });
});
