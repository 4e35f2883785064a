/**
 * Exactly-once consume-transform-produce (the txn-exactly-once scenario): every acknowledged
 * input record appears exactly once in the committed output, and nothing of an aborted
 * transaction does. Judged from the history alone:
 *
 * - the input: ok sends to the plan's input topic (only acknowledged records are owed);
 * - the committed output: the final read_committed read (process `final-read`) of the output
 *   topic; each output record names its input (`src: [partition, offset]`) and its transaction;
 * - how far the copiers got: the group's stable committed offsets recorded after them (the
 *   `committed-offsets` op of process `committed-offsets`). An input record below them was
 *   consumed for good: missing from the output it is lost. One at or past them was never
 *   committed as consumed (the copiers stopped early, under faults): not owed, reported, unknown.
 *
 * Anomalies (each a witness naming the input offset and the output offsets or transactions):
 * `lost` (a consumed input with no output), `duplicate` (an input copied at two output offsets),
 * `aborted` (an output record of a transaction whose abort was acknowledged).
 */
import type { Op } from '../../harness/history/history.ts';
import { MAX_WITNESSES, type CheckResult } from '../../harness/history/check-result.ts';
import {
  COMMITTED_OFFSETS,
  END_TXN,
  FINAL_READ,
  POLL,
  SEND,
  TXN_OFFSETS,
  type RecordRef,
} from '../../harness/history/ops.ts';
import { allowance } from './allowances.ts';
import { resolveCheckConfig, type CheckConfig } from './config.ts';
import { END_OFFSETS, notRunReason, type ScenarioPlan } from './scenario-plan.ts';

/** The plan txn-exactly-once records. */
export interface ExactlyOncePlan extends ScenarioPlan {
  input: string;
  output: string;
  group: string;
  partitions: number;
}

/** The process whose committed-offsets op says how far the copiers consumed for good. */
export const FINAL_OFFSETS_PROCESS = 'committed-offsets';

interface OutputRecord {
  partition: number;
  offset: number;
  txn: string | null;
}

const key = (partition: number, offset: number) => `${partition}/${offset}`;

/** The input an output record's value names, and its transaction (null when it names none). */
export function copiedFrom(value: string | null): { partition: number; offset: number; txn: string | null } | null {
  if (value === null) return null;
  try {
    const v = JSON.parse(value) as { src?: unknown; txn?: unknown };
    if (!Array.isArray(v.src) || !Number.isInteger(v.src[0]) || !Number.isInteger(v.src[1])) return null;
    return { partition: v.src[0] as number, offset: v.src[1] as number, txn: typeof v.txn === 'string' ? v.txn : null };
  } catch {
    return null;
  }
}

/** The exactly-once verdict (see the module comment). */
export function checkExactlyOnce(
  history: readonly Op[],
  plan: ExactlyOncePlan,
  config: Partial<CheckConfig> = {},
): CheckResult {
  const checker = 'txn-exactly-once';
  const unknown = (summary: string): CheckResult => ({ checker, valid: 'unknown', summary, witnesses: [] });
  const reason = notRunReason(history);
  if (reason !== undefined) return unknown(`txn-exactly-once: ${reason}`);

  const acked = new Map<string, RecordRef>();
  const outcomes = new Map<string, 'commit' | 'abort'>();
  /** Per input, the transactions that sent a copy of it (acknowledged or not). */
  const copiedIn = new Map<string, Set<string>>();
  /** Per transaction, the offsets it committed for the group (accepted TxnOffsetCommits). */
  const offsetsOf = new Map<string, Record<string, number>>();
  let finalOffsets: Record<string, number> | null = null;
  const output = new Map<string, OutputRecord & { src: string }>();
  let finalReadOutput = false;
  for (const o of history) {
    const v = o.value as Record<string, unknown> | null;
    if (o.f === SEND) {
      const r = v as unknown as RecordRef | null;
      if (o.type === 'ok' && r?.topic === plan.input && r.offset >= 0) acked.set(key(r.partition, r.offset), r);
      if (o.type === 'invoke' && r?.topic === plan.output) {
        const src = copiedFrom(r.value);
        if (src?.txn) {
          const k = key(src.partition, src.offset);
          copiedIn.set(k, (copiedIn.get(k) ?? new Set()).add(src.txn));
        }
      }
    } else if (o.f === END_TXN && o.type === 'ok') {
      const e = v as { id?: string; outcome?: string } | null;
      if (e?.id && (e.outcome === 'commit' || e.outcome === 'abort')) outcomes.set(e.id, e.outcome);
    } else if (o.f === TXN_OFFSETS && o.type === 'ok') {
      const t = v as { txn?: { id?: string }; offsets?: Record<string, number> } | null;
      if (t?.txn?.id && t.offsets) offsetsOf.set(t.txn.id, t.offsets);
    } else if (o.f === COMMITTED_OFFSETS && o.type === 'ok' && o.process === FINAL_OFFSETS_PROCESS) {
      finalOffsets = (v as { offsets?: Record<string, number> } | null)?.offsets ?? null;
    } else if (o.f === POLL && o.type === 'ok' && o.process === FINAL_READ) {
      const records = (v as { records?: RecordRef[] } | null)?.records ?? [];
      for (const r of records) {
        if (r.topic !== plan.output) continue;
        finalReadOutput = true;
        const src = copiedFrom(r.value);
        if (src)
          output.set(key(r.partition, r.offset), {
            partition: r.partition,
            offset: r.offset,
            txn: src.txn,
            src: key(src.partition, src.offset),
          });
      }
    }
  }
  if (acked.size === 0) return unknown('no input record was acknowledged: nothing to copy');
  const outputEnds = history.some(
    (o) =>
      o.process === FINAL_READ &&
      o.f === END_OFFSETS &&
      o.type === 'ok' &&
      (o.value as { topic?: string })?.topic === plan.output,
  );
  if (!outputEnds && !finalReadOutput) return unknown('no final read of the output topic');

  const bySource = new Map<string, OutputRecord[]>();
  for (const r of output.values()) bySource.set(r.src, [...(bySource.get(r.src) ?? []), r]);
  const witnesses: unknown[] = [];
  const counts = { lost: 0, duplicate: 0, aborted: 0 };
  const witness = (w: unknown) => {
    if (witnesses.length < MAX_WITNESSES) witnesses.push(w);
  };
  const input = (k: string) => {
    const [partition, offset] = k.split('/').map(Number);
    return { topic: plan.input, partition, offset };
  };
  const out = (r: OutputRecord) => ({ topic: plan.output, partition: r.partition, offset: r.offset, txn: r.txn });
  for (const [src, copies] of bySource) {
    for (const r of copies)
      if (r.txn !== null && outcomes.get(r.txn) === 'abort') {
        counts.aborted++;
        witness({ kind: 'aborted', input: input(src), output: out(r) });
      }
    if (copies.length > 1) {
      counts.duplicate++;
      witness({ kind: 'duplicate', input: input(src), outputs: copies.map(out) });
    }
  }
  let notCopied = 0;
  for (const [k, r] of acked) {
    if (bySource.has(k)) continue;
    const consumed = finalOffsets !== null && r.offset < (finalOffsets[String(r.partition)] ?? 0);
    if (!consumed) {
      notCopied++;
      continue;
    }
    counts.lost++;
    const txns = [...(copiedIn.get(k) ?? [])].map((id) => ({
      txn: id,
      outcome: outcomes.get(id) ?? 'unknown',
      committedOffset: offsetsOf.get(id)?.[String(r.partition)] ?? null,
    }));
    witness({
      kind: 'lost',
      input: input(k),
      groupCommittedOffset: finalOffsets![String(r.partition)],
      copiedIn: txns,
    });
  }

  const total = counts.lost + counts.duplicate + counts.aborted;
  const committed = [...outcomes.values()].filter((x) => x === 'commit').length;
  const aborted = outcomes.size - committed;
  if (total > 0) {
    const found = `${counts.lost} acknowledged input record(s) consumed but missing from the committed output, ${counts.duplicate} copied more than once, ${counts.aborted} output record(s) of aborted transactions visible`;
    const resolved = resolveCheckConfig(config);
    // Only loss can be allowed (the same rule as lost-write); duplicates and aborted reads never are.
    const allowed = counts.duplicate + counts.aborted === 0 ? allowance(resolved, 'lost-write') : null;
    if (allowed)
      return {
        checker,
        valid: true,
        allowed: true,
        summary: `${found} — allowed: ${allowed}`,
        witnesses,
        count: total,
      };
    return { checker, valid: false, summary: found, witnesses, count: total };
  }
  const copied = acked.size - notCopied;
  const summary = `${copied} acknowledged input record(s) each exactly once in the committed output (${output.size} output record(s); ${committed} transaction(s) committed, ${aborted} aborted)`;
  if (notCopied > 0)
    return unknown(
      `${summary}; ${notCopied} acknowledged input record(s) at or past the group's committed offsets ${finalOffsets === null ? '(not recorded)' : JSON.stringify(finalOffsets)}: the copiers never consumed them for good`,
    );
  return { checker, valid: true, summary, witnesses: [], count: 0 };
}
