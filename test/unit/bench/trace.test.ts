import { describe, expect, it } from "vitest";
import {
  httpTracePage,
  parseTracePage,
  TraceCollector,
  type TraceCheck,
  type TracePage,
} from "../../../bench/lib/trace.js";
import { traceCheck } from "../../support/trace-check.js";

function entry(seq: number, over: Partial<TraceCheck> = {}): TraceCheck {
  return traceCheck({
    seq,
    eventId: `e${seq}`,
    lat: 48.85,
    lon: 2.35,
    timeMs: 1_000 + seq,
    neighbourIds: ["a", "b"],
    neighbourDistancesMeters: [3.5, 9],
    stopLength: 7,
    coveredRadiusMeters: 150,
    maxDistanceMeters: 5_000,
    windowToMs: 1_000 + seq,
    rowsRead: 40,
    partitionsRead: 9,
    ...over,
  });
}

describe("parseTracePage", () => {
  it("accepts the documented answer, an empty one and an insufficient check", () => {
    const page = parseTracePage({
      next: 2,
      dropped: 0,
      checks: [
        entry(1),
        entry(2, {
          verdict: "insufficient",
          reason: "sparse",
          neighbourIds: [],
          neighbourDistancesMeters: [],
        }),
      ],
    });
    expect(page.checks).toHaveLength(2);
    expect(page.checks[1]?.reason).toBe("sparse");
    expect(parseTracePage({ next: 0, dropped: 0, checks: [] }).checks).toEqual([]);
  });

  it("keeps the checked record's partition and offset, and refuses an offset that is not a number", () => {
    const page = parseTracePage({
      next: 1,
      dropped: 0,
      checks: [{ ...entry(1), partition: 3, offset: "9007199254740993" }],
    });
    expect(page.checks[0]).toMatchObject({ partition: 3, offset: "9007199254740993" });
    expect(() =>
      parseTracePage({ next: 1, dropped: 0, checks: [{ ...entry(1), partition: 3, offset: "x" }] }),
    ).toThrow(/checks\.0\.offset/);
  });

  it("names the field that is wrong", () => {
    expect(() =>
      parseTracePage({ next: 1, dropped: 0, checks: [{ ...entry(1), verdict: "maybe" }] }),
    ).toThrow(/checks\.0\.verdict/);
    expect(() => parseTracePage({ next: 1, checks: [] })).toThrow(/dropped/);
    expect(() =>
      parseTracePage({
        next: 1,
        dropped: 0,
        checks: [{ ...entry(1), neighbourDistancesMeters: [1] }],
      }),
    ).toThrow(/same length/);
  });
});

/** A detector trace held in memory, served `pageSize` entries at a time after a cursor. */
function fakeDetector(pageSize: number) {
  const entries: TraceCheck[] = [];
  let dropped = 0;
  let notYet = 0;
  let failNext = 0;
  const asked: number[] = [];
  const fetchPage = (after: number): Promise<TracePage | null> => {
    asked.push(after);
    if (notYet > 0) {
      notYet--;
      return Promise.resolve(null);
    }
    if (failNext > 0) {
      failNext--;
      return Promise.reject(new Error("ECONNREFUSED"));
    }
    const checks = entries.filter((e) => e.seq > after).slice(0, pageSize);
    return Promise.resolve({ next: checks.at(-1)?.seq ?? after, dropped, checks });
  };
  return {
    fetchPage,
    asked,
    add: (...seqs: number[]) => entries.push(...seqs.map((s) => entry(s))),
    drop: (n: number) => (dropped += n),
    unavailableFor: (n: number) => (notYet = n),
    failFor: (n: number) => (failNext = n),
  };
}

describe("TraceCollector", () => {
  it("follows next until an empty page and keeps each entry once", async () => {
    const d = fakeDetector(2);
    d.add(1, 2, 3, 5, 8);
    const c = new TraceCollector(d.fetchPage);
    await c.poll();
    await c.poll();
    d.add(9, 10);
    d.drop(4);
    const got = await c.stop();
    expect(got.checks.map((e) => e.seq)).toEqual([1, 2, 3, 5, 8, 9, 10]);
    expect(got.dropped).toBe(4);
    expect(got.available).toBe(true);
    expect(got.errors).toBe(0);
    expect(d.asked.slice(0, 4)).toEqual([0, 2, 5, 8]);
  });

  it("tolerates 404 while the trace is not available yet, and failures, then collects", async () => {
    const d = fakeDetector(10);
    d.add(1, 2);
    d.unavailableFor(2);
    const c = new TraceCollector(d.fetchPage);
    await c.poll();
    expect(c.collection().available).toBe(false);
    await c.poll();
    d.failFor(1);
    await c.poll();
    expect(c.collection().errors).toBe(1);
    expect(c.collection().lastError).toBe("ECONNREFUSED");
    const got = await c.stop();
    expect(got.checks.map((e) => e.seq)).toEqual([1, 2]);
    expect(got.available).toBe(true);
  });

  it("reports an empty trace as available with no entries, and a missing one as unavailable", async () => {
    const empty = fakeDetector(10);
    expect(await new TraceCollector(empty.fetchPage).stop()).toMatchObject({
      checks: [],
      available: true,
      dropped: 0,
    });
    const missing = fakeDetector(10);
    missing.unavailableFor(100);
    expect(await new TraceCollector(missing.fetchPage).stop()).toMatchObject({
      checks: [],
      available: false,
    });
  });

  it("says whether its last drain read the trace to its end", async () => {
    const whole = fakeDetector(2);
    whole.add(1, 2, 3);
    const c = new TraceCollector(whole.fetchPage);
    await c.poll();
    expect(c.collection().drainedAtStop).toBe(false);
    expect((await c.stop()).drainedAtStop).toBe(true);
    const failing = fakeDetector(2);
    failing.add(1, 2, 3);
    failing.failFor(1);
    expect((await new TraceCollector(failing.fetchPage).stop()).drainedAtStop).toBe(false);
    const missing = fakeDetector(2);
    missing.unavailableFor(100);
    expect((await new TraceCollector(missing.fetchPage).stop()).drainedAtStop).toBe(false);
    const long = fakeDetector(1);
    long.add(1, 2, 3);
    const cut = new TraceCollector(long.fetchPage, { maxPagesPerPoll: 2 });
    expect((await cut.stop()).drainedAtStop).toBe(false);
  });

  it("does not loop on a detector whose next never moves", async () => {
    let calls = 0;
    const stuck = (): Promise<TracePage> => {
      calls++;
      return Promise.resolve({ next: 0, dropped: 0, checks: [entry(1)] });
    };
    const got = await new TraceCollector(stuck).stop();
    expect(calls).toBe(1);
    expect(got.checks).toHaveLength(1);
    expect(got.drainedAtStop).toBe(false);
  });

  it("polls in the background once started", async () => {
    const d = fakeDetector(10);
    d.add(1);
    const c = new TraceCollector(d.fetchPage, { everyMs: 1 });
    c.start();
    await new Promise((r) => setTimeout(r, 20));
    d.add(2);
    const got = await c.stop();
    expect(got.checks.map((e) => e.seq)).toEqual([1, 2]);
    expect(d.asked.length).toBeGreaterThan(2);
  });
});

describe("httpTracePage", () => {
  it("reads /trace?after= over HTTP: null on 404, the page on 200, an error otherwise", async () => {
    const { createServer } = await import("node:http");
    const answers: [number, unknown][] = [
      [404, { error: "not found" }],
      [200, { next: 3, dropped: 1, checks: [entry(3)] }],
      [500, { error: "internal error" }],
      [200, { next: 3 }],
    ];
    const urls: string[] = [];
    const server = createServer((req, res) => {
      urls.push(req.url ?? "");
      const [status, body] = answers.shift() ?? [404, {}];
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const page = httpTracePage(port);
      expect(await page(0)).toBeNull();
      expect((await page(2))?.checks[0]?.seq).toBe(3);
      await expect(page(3)).rejects.toThrow(/500/);
      await expect(page(3)).rejects.toThrow(/invalid page/);
      expect(urls).toEqual([
        "/trace?after=0",
        "/trace?after=2",
        "/trace?after=3",
        "/trace?after=3",
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
