/**
 * Fencing: when a producer takes over a transactional.id (its InitProducerId, which kafkajs makes
 * at its first transaction: the ok txn-begin of a process not seen with that id before), the
 * coordinator aborts the transaction the older producer had open and refuses its old epoch from
 * then on. So a transaction of an older process under that id whose end had not been invoked
 * before the takeover completed must leave nothing visible to the final read_committed read:
 * neither what it wrote before the takeover (aborted) nor anything after (refused). An end
 * invoked before the takeover may have won the race (the coordinator finishes it first): such a
 * transaction is left to the other checkers.
 */
import type { Op } from '../../harness/history/history.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';
import { ackedRecord, indexHistory, OK, READ_COMMITTED, type HistoryIndex } from './history-index.ts';

/** Transactions fenced by a takeover (fates indexes), with the takeover's transaction. */
export function fencedTransactions(ix: HistoryIndex): { fenced: number; by: number }[] {
  const fates = ix.txns.fates;
  // Per transactional id, in order of first appearance: the takeovers (a new actor's ok begin).
  const takeovers = new Map<string, { actor: number; at: number; t: number }[]>();
  for (let t = 0; t < fates.length; t++) {
    const f = fates[t]!;
    if (f.transactionalId === null || f.begun < 0) continue;
    const list = takeovers.get(f.transactionalId) ?? [];
    if (!list.some((x) => x.actor === f.actor)) list.push({ actor: f.actor, at: f.begun, t });
    takeovers.set(f.transactionalId, list);
  }
  const out: { fenced: number; by: number }[] = [];
  for (let t = 0; t < fates.length; t++) {
    const f = fates[t]!;
    if (f.transactionalId === null) continue;
    const first = f.begun >= 0 ? f.begun : f.first;
    // The first takeover by another actor after this transaction began.
    const by = takeovers.get(f.transactionalId)?.find((x) => x.actor !== f.actor && x.at > first);
    if (!by) continue;
    const endedBefore = f.endInvoke >= 0 && f.endInvoke < by.at;
    if (!endedBefore) out.push({ fenced: t, by: by.t });
  }
  return out;
}

/** The fencing verdict (see the module comment). */
export function checkFencing(history: readonly Op[], ix: HistoryIndex = indexHistory(history)): CheckResult {
  const checker = 'txn-fencing';
  const fenced = fencedTransactions(ix);
  if (fenced.length === 0)
    return {
      checker,
      valid: true,
      summary: 'no transaction was fenced by a takeover: nothing to check',
      witnesses: [],
      count: 0,
    };
  if (ix.final.actor < 0) return { checker, valid: 'unknown', summary: 'no final read', witnesses: [] };
  const seen = new Array<boolean>(ix.contents).fill(false);
  for (let p = 0; p < ix.polls.count; p++) {
    if (ix.polls.actor[p] !== ix.final.actor || ix.polls.isolation[p] !== READ_COMMITTED) continue;
    const end = ix.polls.start[p]! + ix.polls.size[p]!;
    for (let row = ix.polls.start[p]!; row < end; row++) seen[ix.records.content[row]!] = true;
  }
  const isFenced = new Array<number>(ix.txns.fates.length).fill(-1);
  for (const { fenced: t, by } of fenced) isFenced[t] = by;
  let count = 0;
  let sends = 0;
  const witnesses: unknown[] = [];
  for (let s = 0; s < ix.sends.count; s++) {
    const t = ix.sends.txn[s]!;
    if (t < 0 || isFenced[t]! < 0) continue;
    sends++;
    if (!seen[ix.sends.content[s]!]) continue;
    count++;
    if (witnesses.length < MAX_WITNESSES)
      witnesses.push({
        txn: ix.txns.fates[t]!.id,
        fencedBy: ix.txns.fates[isFenced[t]!]!.id,
        record: ix.sends.outcome[s] === OK ? ackedRecord(ix, s) : ix.history[ix.sends.invoke[s]!]?.value,
      });
  }
  return verdict(
    checker,
    count,
    witnesses,
    `${fenced.length} fenced transaction(s) (${sends} send(s)) left nothing visible to the final read_committed read`,
    `${count} record(s) of fenced transactions visible to the final read_committed read`,
    null,
  );
}
