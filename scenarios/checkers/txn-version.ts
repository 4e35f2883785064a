/**
 * What transaction version 1 allows (KAFKA-17754), decided from the history alone. Under version 1
 * an EndTxn carries the same producer epoch as the producer's next transaction, so a coordinator
 * that gets an EndTxn late — after the producer retried it, had it answered, and began the next
 * transaction — takes it for the end of that next transaction: its first writes are committed or
 * aborted early and the rest of it goes on as a new transaction. What a reader then sees is an
 * aborted read (G1a), a lost committed write, a torn transaction. Transaction version 2 (KIP-890
 * part 2) bumps the epoch on every EndTxn, so the late one is refused (PRODUCER_FENCED).
 *
 * The allowance is as narrow as the defect: a failed aborted-read, lost-write, txn-g1a, txn-torn
 * or txn-lost-write verdict becomes "allowed" only when every one of its witnesses is a
 * transaction that (a) a late EndTxn was delivered into and the broker accepted (a `late-end-txn`
 * nemesis op answered NONE, naming it as `into`) and (b) ran under transaction version 1 (its
 * ok `txn-begin` says `transactionVersion: 1`; an unrecorded version allows nothing). Any other
 * witness, or more witnesses than a result lists, keeps the verdict failed.
 */
import type { CheckResult } from '../../harness/history/check-result.ts';
import type { Op } from '../../harness/history/history.ts';
import { LATE_END_TXN, TXN_BEGIN } from '../../harness/history/ops.ts';

/** The checkers whose anomalies a late EndTxn under transaction version 1 produces. */
export const LATE_END_TXN_CHECKERS: ReadonlySet<string> = new Set([
  'aborted-read',
  'lost-write',
  'txn-g1a',
  'txn-torn',
  'txn-lost-write',
]);

type Loose = Record<string, unknown> | undefined;
const obj = (v: unknown): Loose => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined);

/** The transaction a witness names (checkers name it as `txn`, or carry the send op or record with its `txn` tag). */
function txnOfWitness(w: unknown): string | undefined {
  const o = obj(w);
  if (!o) return undefined;
  if (typeof o.txn === 'string') return o.txn;
  for (const inner of [obj(o.value), obj(o.record), o]) {
    const id = obj(inner?.txn)?.id;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/** The transactions of transaction version 1 that an accepted late EndTxn was delivered into. */
export function lateEndTxnVictims(history: readonly Op[]): Set<string> {
  const v1 = new Set<string>();
  const into = new Set<string>();
  for (const op of history) {
    if (op.type !== 'ok') continue;
    const v = obj(op.value);
    if (op.f === TXN_BEGIN && typeof v?.id === 'string' && v.transactionVersion === 1) v1.add(v.id);
    if (op.f === LATE_END_TXN && typeof v?.into === 'string' && Array.isArray(v.answers) && v.answers.includes('NONE'))
      into.add(v.into);
  }
  return new Set([...into].filter((id) => v1.has(id)));
}

const REASON =
  'transaction version 1: a late EndTxn (same epoch) was taken for the end of the next transaction, a known Kafka defect (KAFKA-17754) that transaction version 2 (KIP-890 part 2) fixes';

/** `results` with the failed verdicts that only a late EndTxn under transaction version 1 explains marked allowed. */
export function withTransactionVersionAllowance(results: CheckResult[], history: readonly Op[]): CheckResult[] {
  if (!history.some((o) => o.f === LATE_END_TXN)) return results;
  const victims = lateEndTxnVictims(history);
  if (victims.size === 0) return results;
  return results.map((r) => {
    if (r.valid !== false || !LATE_END_TXN_CHECKERS.has(r.checker)) return r;
    const count = r.count ?? r.witnesses.length;
    const explained =
      r.witnesses.length > 0 &&
      count === r.witnesses.length &&
      r.witnesses.every((w) => {
        const id = txnOfWitness(w);
        return id !== undefined && victims.has(id);
      });
    if (!explained) return r;
    return { ...r, valid: true, allowed: true, summary: `${r.summary} — allowed: ${REASON}` };
  });
}
