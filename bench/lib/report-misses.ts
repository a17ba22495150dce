/**
 * The report's account of the injected anomalies that were not alerted: per row, the count of
 * each kind of verdict the detector reached on them; per distribution, every one of them with
 * its size and verdict (in a folded block: a row misses hundreds of small or unscoreable ones).
 */
import type { RowResult } from "../scenarios/variants.js";
import type { DistributionMisses } from "./distribution-misses.js";
import type { MissedAnomalies } from "./missed-anomalies.js";
import { f, rowLabel } from "./report-sections.js";
import type { MissCounts } from "./verdicts.js";

/** "insufficient 300 (no_history 250, sparse 50)": the reasons, most frequent first. */
function insufficient(c: MissCounts): string {
  const n = c.byKind.insufficient;
  const reasons = Object.entries(c.insufficientByReason)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, count]) => `${reason} ${count}`);
  return n === 0 ? "0" : `${n} (${reasons.join(", ")})`;
}

/** "below-threshold 3, insufficient 2 (sparse 2)": the kinds that occurred, or "none". */
export function kindsText(c: MissCounts): string {
  const parts = Object.entries(c.byKind)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) =>
      kind === "insufficient" ? `insufficient ${insufficient(c)}` : `${kind} ${n}`,
    );
  return parts.length === 0 ? "none" : parts.join(", ");
}

function countsLine(label: string, m: MissedAnomalies): string {
  const k = m.counts.byKind;
  const trace = m.trace.complete ? "complete" : `incomplete: ${m.trace.incompleteBecause ?? "?"}`;
  return [
    label,
    m.anomalies,
    m.alerted,
    m.counts.missed,
    k["below-threshold"],
    k["beyond-threshold"],
    k["scored-unknown"],
    insufficient(m.counts),
    k["not-checked"],
    k["not-traced"],
    `${m.strongCounts.missed}: ${kindsText(m.strongCounts)}`,
    trace,
  ]
    .map(String)
    .join(" | ");
}

function listOf(d: DistributionMisses, m: MissedAnomalies): string[] {
  return [
    `<details><summary>${d.distribution} (${d.row ?? "–"}): ${m.counts.missed} of ${m.anomalies} injected anomalies not alerted</summary>`,
    "",
    "| event id | magnitude (σ) | local neighbourhood | verdict |",
    "|---|---|---|---|",
    ...m.missed.map(
      (x) =>
        `| \`${x.id}\` | ${f(x.magnitude, 2)} | ${x.local === null ? "–" : x.local ? "yes" : "no"} | ${x.explanation} |`,
    ),
    "",
    "</details>",
    "",
  ];
}

/**
 * The section: a table of counts per kind of verdict for every row, then, per distribution, the
 * list of its missed anomalies (from the row its figures come from).
 */
export function renderMisses(
  rows: readonly RowResult[],
  distributions: readonly DistributionMisses[],
): string[] {
  const measured = rows.flatMap((r) => {
    const m = r.accuracy?.missed;
    return m === undefined ? [] : [{ label: rowLabel(r), m }];
  });
  const first = measured[0]?.m;
  if (first === undefined) return [];
  const { threshold, strongFrom } = first;
  return [
    "## Injected anomalies not alerted: the detector's verdict on each",
    "",
    `${first.trace.sampleRate >= 1 ? "Every check is traced (`TRACE_SAMPLE_RATE=1`) and read back" : `A share ${first.trace.sampleRate} of the checks is traced (\`--trace-sample-rate\`), so most misses are \`not-traced\``}; each injected anomaly without an alert is explained by the detector's last verdict on it: scored but not beyond the threshold (${f(threshold, 1)} unless the row sets another), scored beyond it with no alert received, insufficient and why, or absent from the trace: \`not-checked\` when every check was read, \`not-traced\` when some were not.`,
    "",
    `| row | anomalies | alerted | missed | below threshold | beyond threshold, no alert | scored, no score | insufficient (by reason) | not checked | not traced | missed ≥ ${strongFrom}σ by verdict | trace |`,
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...measured.map(({ label, m }) => `| ${countsLine(label, m)} |`),
    "",
    ...distributions.flatMap((d) => {
      const m = d.rowIndex === null ? undefined : rows[d.rowIndex]?.accuracy?.missed;
      return m === undefined ? [] : listOf(d, m);
    }),
  ];
}
