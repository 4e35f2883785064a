/**
 * The op vocabulary: the `f` names ops carry, the record references sends and polls hold, and the
 * reads of a history every layer above needs (scenarios build histories with them, checkers judge
 * them, compare and reports read stored ones).
 */
import type { Op } from './history.ts';

/** A record as a history names it: where it sits and what it holds (value as text). */
export interface RecordRef {
  topic: string;
  partition: number;
  /**
   * The offset; a negative one (Kafka's -1) means "not known" — what an acks=0 producer is told —
   * and the offset checkers leave such records out.
   */
  offset: number;
  key: string | null;
  value: string | null;
}

/** Op `f` names the checkers read. */
export const SEND = 'send';
export const POLL = 'poll';
/**
 * The end of a transaction: invoke value `{id, outcome: 'commit' | 'abort'}`; its ok completion
 * settles the outcome of every send tagged `txn: {id}` (see aborted-read.ts for the convention).
 */
export const END_TXN = 'end-txn';
/**
 * Ops after which a consumer's next poll of a partition need not follow on from its last one:
 * it moved its position on purpose.
 */
export const REPOSITION = ['seek', 'assign', 'subscribe'] as const;

/** Processes whose polls read a whole topic from the beginning after the run (DESIGN.md's final read). */
export const FINAL_READ = 'final-read';
export const REPLAY_READ = 'replay';

/** The ok completions of sends, in completion order, with the record each acknowledged. */
export function ackedSends(history: readonly Op[]): { op: Op; record: RecordRef }[] {
  return history.filter((o) => o.f === SEND && o.type === 'ok').map((op) => ({ op, record: op.value as RecordRef }));
}

/** Every record a process read (ok polls), in read order. */
export function readsOf(history: readonly Op[], process: Op['process']): RecordRef[] {
  const out: RecordRef[] = [];
  for (const o of history)
    if (o.f === POLL && o.type === 'ok' && o.process === process)
      for (const r of (o.value as { records: RecordRef[] }).records) out.push(r);
  return out;
}

/** True when the history has a completed read by `process`. */
export function hasRead(history: readonly Op[], process: Op['process']): boolean {
  return history.some((o) => o.f === POLL && o.type === 'ok' && o.process === process);
}

/** Identity of a record's content, for matching sends with reads (runs make values unique). */
export function contentKey(r: { key?: string | null; value?: string | null }): string {
  return JSON.stringify([r.key ?? null, r.value ?? null]);
}
