/**
 * The durability study's table (issues 6 and 8): per acks level and fault, how many records were
 * acknowledged, how many of those the final read did not find (lost), how many were stored more
 * than once (duplicated), and the longest stretch without a successful produce (unavailable
 * seconds). Computed from the history alone, so a stored run can be tabulated again.
 */
import type { Op } from '../../harness/history/history.ts';
import { FINAL_READ, POLL, SEND, contentKey, type RecordRef } from '../../harness/history/ops.ts';

/** One producer of the study: which level it stands for, in which fault phase, where it wrote. */
export interface DurabilityLane {
  /** e.g. `acks=1`, `acks=all+unclean`. */
  level: string;
  /** The fault of the phase, or `none`. */
  fault: string;
  /** The history's process of the producer. */
  process: string;
  topic: string;
}

/** One row of the table. */
export interface DurabilityRow {
  level: string;
  fault: string;
  /** Records the producer tried to send. */
  sent: number;
  /** Records acknowledged (acks=0: handed to the broker without a client error — there is no answer). */
  acked: number;
  /** Acknowledged records the final read did not return. */
  lost: number;
  /** Extra copies of sent records in the final read (a record stored twice counts once). */
  duplicated: number;
  /** Sent but unacknowledged records the final read returned anyway (written, not confirmed). */
  unconfirmedWritten: number;
  /** The longest stretch, in seconds, without a successful send, from the producer's first success to its last send (all of its run when nothing succeeded). */
  unavailableSeconds: number;
}

/** What results.json stores under `durability`. */
export interface DurabilityTable {
  schema: 'kconform.durability/v1';
  /** Topic settings the rows ran under. */
  replicationFactor: number;
  minInsyncReplicas: number;
  /** acks levels in row order. */
  levels: string[];
  /** Faults in row order (`none` first: the baseline without a fault). */
  faults: string[];
  rows: DurabilityRow[];
  /** Faults left out, with the reason (not available on the target). */
  skipped: { fault: string; reason: string }[];
}

/** Builds the rows for `lanes` from a history with final reads of their topics. */
export function durabilityRows(history: readonly Op[], lanes: readonly DurabilityLane[]): DurabilityRow[] {
  // Copies of each record content in the final read, per topic.
  const copies = new Map<string, Map<string, number>>();
  for (const o of history) {
    if (o.f !== POLL || o.type !== 'ok' || o.process !== FINAL_READ) continue;
    for (const r of (o.value as { records: RecordRef[] }).records) {
      let byContent = copies.get(r.topic);
      if (!byContent) copies.set(r.topic, (byContent = new Map()));
      const k = contentKey(r);
      byContent.set(k, (byContent.get(k) ?? 0) + 1);
    }
  }
  return lanes.map((lane) => {
    const read = copies.get(lane.topic) ?? new Map<string, number>();
    let sent = 0;
    let acked = 0;
    let lost = 0;
    let duplicated = 0;
    let unconfirmedWritten = 0;
    const okTimes: number[] = [];
    let first = Infinity;
    let last = -Infinity;
    for (const o of history) {
      if (o.f !== SEND || o.process !== lane.process) continue;
      first = Math.min(first, o.time);
      last = Math.max(last, o.time);
      if (o.type === 'invoke') {
        sent++;
        continue;
      }
      const n = read.get(contentKey(o.value as RecordRef)) ?? 0;
      if (n > 1) duplicated += n - 1;
      if (o.type === 'ok') {
        acked++;
        okTimes.push(o.time);
        if (n === 0) lost++;
      } else if (n > 0) unconfirmedWritten++;
    }
    // From the first success on: connecting (and, for idempotent producers, InitProducerId) is not an outage.
    let gap = 0;
    okTimes.sort((a, b) => a - b);
    let prev = okTimes.length ? okTimes[0]! : first;
    for (const t of [...okTimes, last]) {
      gap = Math.max(gap, t - prev);
      prev = t;
    }
    const unavailableSeconds = Number.isFinite(first) ? Math.round(gap) / 1000 : 0;
    return {
      level: lane.level,
      fault: lane.fault,
      sent,
      acked,
      lost,
      duplicated,
      unconfirmedWritten,
      unavailableSeconds,
    };
  });
}

/** The table as fixed-width text, one row per acks level and fault. */
export function formatDurabilityTable(t: DurabilityTable): string {
  const head = ['acks', 'fault', 'sent', 'acked', 'lost', 'duplicated', 'unconfirmed-written', 'unavailable s'];
  const rows = t.rows.map((r) => [
    r.level,
    r.fault,
    String(r.sent),
    String(r.acked),
    String(r.lost),
    String(r.duplicated),
    String(r.unconfirmedWritten),
    r.unavailableSeconds.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `durability: replication factor ${t.replicationFactor}, min.insync.replicas=${t.minInsyncReplicas}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  for (const s of t.skipped) out.push(`(${s.fault} not run: ${s.reason})`);
  return out.join('\n');
}
