import { describe, expect, it } from "vitest";
import { byLabel, checkCountersBetween } from "../../../bench/lib/check-counters.js";
import { parsePrometheus } from "../../../bench/lib/scrape.js";

const scrape = (lines: string[]) => parsePrometheus(lines.join("\n"));

describe("check counters", () => {
  const before = scrape([
    'geoanomaly_checks_total{result="scored"} 100',
    'geoanomaly_checks_total{result="insufficient"} 40',
    'geoanomaly_insufficient_total{reason="no_history"} 30',
    'geoanomaly_insufficient_total{reason="sparse"} 10',
  ]);
  const after = scrape([
    "# HELP geoanomaly_insufficient_total Insufficient checks by reason.",
    'geoanomaly_checks_total{result="scored"} 190',
    'geoanomaly_checks_total{result="insufficient"} 55',
    'geoanomaly_insufficient_total{reason="no_history"} 30',
    'geoanomaly_insufficient_total{reason="sparse"} 22',
    'geoanomaly_insufficient_total{reason="one_sided",length="4"} 3',
    'geoanomaly_checks_total_created{result="scored"} 1700000000',
  ]);

  it("takes the difference of two scrapes, reasons as open strings", () => {
    expect(checkCountersBetween(before, after)).toEqual({
      scored: 90,
      insufficient: 15,
      insufficientByReason: { sparse: 12, one_sided: 3 },
    });
  });

  it("has no reasons when the detector does not export them", () => {
    const old = scrape(['geoanomaly_checks_total{result="scored"} 5']);
    expect(checkCountersBetween(old, old)).toEqual({
      scored: 0,
      insufficient: 0,
      insufficientByReason: {},
    });
  });

  it("reads a label among others, unescaping its value", () => {
    const s = scrape([
      'x_total{a="1",reason="say \\"hi\\""} 2',
      'x_total{reason="plain"} 1',
      'x_total{other="y"} 7',
    ]);
    expect(Object.fromEntries(byLabel(s, "x_total", "reason"))).toEqual({
      'say "hi"': 2,
      plain: 1,
    });
  });
});
