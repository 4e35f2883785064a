/**
 * The JSON lines a transactional client program prints (the confluent-kafka script and the Java
 * Transact.java), turned into one outcome per transaction: `{"begun": n}`, then a `{"send": …}`
 * per acknowledged record, then `{"ended": n}` once its commit or abort returned.
 */
import type { SendOutcome, TransactionOutcome } from './client-driver.ts';

/** One printed line, as far as transactions go. */
export interface TxnLine {
  begun?: number;
  send?: SendOutcome;
  ended?: number;
}

/**
 * The outcomes of `count` planned transactions from the lines in order. A failed run still says
 * how far it got: `error` goes on the transaction it broke (or on one that never began).
 */
export function transactionOutcomes(lines: readonly TxnLine[], count: number, error?: string): TransactionOutcome[] {
  const out: TransactionOutcome[] = [];
  for (const l of lines) {
    if (l.begun !== undefined) out.push({ begun: true, sends: [], ended: false });
    else if (l.send) out.at(-1)?.sends.push(l.send);
    else if (l.ended !== undefined && out[l.ended]) out[l.ended]!.ended = true;
  }
  if (error !== undefined) {
    const last = out.at(-1);
    if (last && !last.ended) last.error = error;
    else if (out.length < count) out.push({ begun: false, sends: [], ended: false, error });
  }
  return out;
}
