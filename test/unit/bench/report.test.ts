import { describe, expect, it } from "vitest";
import { renderChart } from "../../../bench/lib/chart.js";
import * as scrape from "../../../bench/lib/scrape.js";
import { steadyRate } from "../../../bench/scenarios/sustained.js";
import { allOf, atLeast, atMost } from "../../../bench/lib/targets.js";

describe("targets", () => {
  it("reports met or missed with the distance", () => {
    const hit = atLeast("checks/s", 900, 800, "", 0);
    expect(hit.met).toBe(true);
    expect(hit.distance).toBe("+100 (113% of goal)");
    const miss = atMost("p99", 150, 100, " ms", 0);
    expect(miss.met).toBe(false);
    expect(miss.distance).toBe("50 ms over (150% of limit)");
    expect(atLeast("x", null, 1).met).toBeNull();
    expect(allOf("both", [hit, miss]).met).toBe(false);
    // A definite miss fails the whole target even while another part has no figure.
    expect(allOf("some", [atLeast("x", null, 1), miss]).met).toBe(false);
    expect(allOf("some", [atLeast("x", null, 1), hit]).met).toBeNull();
  });
});

describe("scrape parsing", () => {
  const text = [
    "# HELP geoanomaly_checks_total Anomaly checks by outcome.",
    'geoanomaly_checks_total{result="scored"} 90',
    'geoanomaly_checks_total{result="insufficient"} 10',
    'geoanomaly_cql_queries_per_check_bucket{le="1"} 5',
    'geoanomaly_cql_queries_per_check_bucket{le="2"} 8',
    'geoanomaly_cql_queries_per_check_bucket{le="+Inf"} 9',
    "geoanomaly_cql_queries_per_check_sum 20",
  ].join("\n");

  it("sums labelled counters and de-cumulates integer buckets", () => {
    const s = scrape.parsePrometheus(text);
    expect(scrape.total(s, "geoanomaly_checks_total")).toBe(100);
    expect(scrape.total(s, "geoanomaly_cql_queries_per_check_sum")).toBe(20);
    const b = scrape.integerBuckets(s, "geoanomaly_cql_queries_per_check");
    expect([...b.entries()]).toEqual([
      [1, 5],
      [2, 3],
      [Infinity, 1],
    ]);
  });

  it("reads utime + stime from /proc stat, whatever the command name holds", () => {
    const stat = "123 (node my (app)) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0";
    expect(scrape.parseCpuSeconds(stat)).toBe(3);
  });

  it("takes the steady rate after the skipped share", () => {
    const samples = [0, 1000, 2000, 3000, 4000].map((tMs, i) => ({
      tMs,
      checks: i === 0 ? 0 : 100 + i * 500,
    }));
    expect(steadyRate(samples, 0, 4000)).toBeCloseTo(500);
    expect(steadyRate(samples.slice(0, 1), 0, 4000)).toBeNull();
  });
});

describe("chart", () => {
  it("renders an SVG with one path per series", () => {
    const svg = renderChart(
      [
        {
          name: "a<b",
          points: [
            { x: 0, y: 1 },
            { x: 1, y: 2 },
          ],
        },
      ],
      [
        {
          name: "lat",
          points: [
            { x: 50, y: 3 },
            { x: 99, y: 30 },
          ],
        },
      ],
    );
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<path/g)).toHaveLength(2);
    expect(svg).toContain("a&lt;b");
  });
});
