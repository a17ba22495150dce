/**
 * The detector's check outcomes from its /metrics, as the difference of two scrapes: how many
 * checks were scored, how many were insufficient, and why (`geoanomaly_insufficient_total{reason}`,
 * reasons kept as open strings so a new one shows up without a harness change).
 */
import type { Scrape } from "./scrape.js";

export interface CheckCounters {
  readonly scored: number;
  readonly insufficient: number;
  /** Insufficient checks by reason; empty when the detector does not export reasons. */
  readonly insufficientByReason: Readonly<Record<string, number>>;
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

/** One counter's values by the value of `label` (series without that label are left out). */
export function byLabel(s: Scrape, name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of s.series) {
    if (!key.startsWith(`${name}{`)) continue;
    for (const m of key.slice(name.length).matchAll(LABEL)) {
      if (m[1] !== label || m[2] === undefined) continue;
      const v = unescapeLabel(m[2]);
      out.set(v, (out.get(v) ?? 0) + value);
    }
  }
  return out;
}

function countersOf(s: Scrape): CheckCounters {
  const results = byLabel(s, "geoanomaly_checks_total", "result");
  return {
    scored: results.get("scored") ?? 0,
    insufficient: results.get("insufficient") ?? 0,
    insufficientByReason: Object.fromEntries(byLabel(s, "geoanomaly_insufficient_total", "reason")),
  };
}

/** What happened between two scrapes of the same detector (counters only grow). */
export function checkCountersBetween(before: Scrape, after: Scrape): CheckCounters {
  const a = countersOf(before);
  const b = countersOf(after);
  const reasons: Record<string, number> = {};
  for (const [reason, n] of Object.entries(b.insufficientByReason)) {
    const delta = n - (a.insufficientByReason[reason] ?? 0);
    if (delta !== 0) reasons[reason] = delta;
  }
  return {
    scored: b.scored - a.scored,
    insufficient: b.insufficient - a.insufficient,
    insufficientByReason: reasons,
  };
}
