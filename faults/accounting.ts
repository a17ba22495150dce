/**
 * The ledger of a fault run: which events and anomalies were produced in which phase, what was
 * stored at each length and what was alerted, and the counts per phase that follow. Pure.
 */

export interface PhaseCounts {
  readonly produced: number;
  readonly anomalies: number;
  /** Events missing from at least one stored length. */
  readonly lost: number;
  /** Missing rows summed over lengths (an event missing at 3 lengths counts 3). */
  readonly missingRows: number;
  /** Rows beyond one per event and length. */
  readonly duplicateRows: number;
  /** Injected anomalies without any alert. */
  readonly missedAnomalies: number;
  /** Alerts beyond the first per event. */
  readonly duplicateAlerts: number;
  /** Alerts for events that were not injected anomalies. */
  readonly unexpectedAlerts: number;
  /** A few lost or missed ids, to look into. */
  readonly examples: readonly string[];
  /** Every injected anomaly without an alert, so each can be explained by its verdict. */
  readonly missedIds: readonly string[];
  /** Every lost event (missing from a stored length), so each can be looked up in the topic. */
  readonly lostIds: readonly string[];
}

/** What the feed produced (acknowledged by Kafka), by phase. */
export class Ledger {
  private readonly phaseOf = new Map<string, string>();
  private readonly anomalies = new Set<string>();
  readonly phases: string[] = [];

  record(phase: string, id: string, anomaly: boolean): void {
    if (!this.phases.includes(phase)) this.phases.push(phase);
    this.phaseOf.set(id, phase);
    if (anomaly) this.anomalies.add(id);
  }

  get size(): number {
    return this.phaseOf.size;
  }

  /**
   * Counts per phase. `stored` maps each length to the number of rows per id found in that
   * length's table; `alerts` the number of alerts per event id.
   */
  count(
    stored: ReadonlyMap<number, ReadonlyMap<string, number>>,
    alerts: ReadonlyMap<string, number>,
  ): Map<string, PhaseCounts> {
    const out = new Map<string, PhaseCounts>();
    const blank = (): {
      produced: number;
      anomalies: number;
      lost: number;
      missingRows: number;
      duplicateRows: number;
      missedAnomalies: number;
      duplicateAlerts: number;
      unexpectedAlerts: number;
      examples: string[];
      missedIds: string[];
      lostIds: string[];
    } => ({
      produced: 0,
      anomalies: 0,
      lost: 0,
      missingRows: 0,
      duplicateRows: 0,
      missedAnomalies: 0,
      duplicateAlerts: 0,
      unexpectedAlerts: 0,
      examples: [],
      missedIds: [],
      lostIds: [],
    });
    const acc = new Map(this.phases.map((p) => [p, blank()]));
    for (const [id, phase] of this.phaseOf) {
      const c = acc.get(phase) ?? blank();
      acc.set(phase, c);
      c.produced += 1;
      let missingHere = 0;
      for (const rows of stored.values()) {
        const n = rows.get(id) ?? 0;
        if (n === 0) missingHere += 1;
        if (n > 1) c.duplicateRows += n - 1;
      }
      if (missingHere > 0) {
        c.lost += 1;
        c.lostIds.push(id);
        c.missingRows += missingHere;
        if (c.examples.length < 5) c.examples.push(`lost ${id}`);
      }
      const alerted = alerts.get(id) ?? 0;
      if (alerted > 1) c.duplicateAlerts += alerted - 1;
      if (this.anomalies.has(id)) {
        c.anomalies += 1;
        if (alerted === 0) {
          c.missedAnomalies += 1;
          c.missedIds.push(id);
          if (c.examples.length < 5) c.examples.push(`missed ${id}`);
        }
      } else if (alerted > 0) c.unexpectedAlerts += 1;
    }
    for (const [phase, c] of acc) out.set(phase, c);
    return out;
  }
}
