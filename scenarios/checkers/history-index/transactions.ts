import type { Op } from '../../../harness/history/history.ts';
import { loose } from './op-values.ts';

/** How a transaction ended, as far as the history tells. */
export interface TxnFate {
  id: string;
  outcome: 'commit' | 'abort' | 'unknown';
  /** Position of the first end-txn invocation for it; -1 when none was recorded. */
  endInvoke: number;
}

/**
 * Transactions as the history shows them (see aborted-read.ts for the convention): sends tagged
 * `txn: {id}` (maybe with the outcome the scenario knew), and `end-txn` ops that settle them.
 *
 * The seam for richer transaction ops (begin, add-partitions, offsets, fencing…): a new op kind is
 * one more method here, called from indexHistory's branch for that `f`, and one more field below.
 */
export interface TransactionsIndex {
  /** Transactions, numbered in order of first appearance on a send (the sends part's `txn` column). */
  fates: TxnFate[];
  /** Per partition id: 1 when transactional sends wrote to it (commit markers take offsets there). */
  partitions: readonly number[];
}

const isOutcome = (o: unknown): o is 'commit' | 'abort' => o === 'commit' || o === 'abort';

/** The id of a send's transaction (`value.txn.id`, as a string), or undefined. */
function txnIdOf(v: unknown): string | undefined {
  const id = loose(loose(v)?.txn)?.id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
}

/** The id an end-txn value names (a number counts as its string), or undefined. */
const endIdOf = (id: unknown): string | undefined =>
  typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;

/** Builds the TransactionsIndex as the history is read in order. */
export class TransactionsBuilder {
  private readonly numbers = new Map<string, number>();
  private readonly fates: TxnFate[] = [];
  /** Ends seen per id: the first end-txn invocation, and the outcome its ok completion settled (null: none yet). */
  private readonly ended = new Map<string, { outcome: 'commit' | 'abort' | null; endInvoke: number }>();
  /** Outcomes sends declared, per id (the last one said). */
  private readonly declared = new Map<string, 'commit' | 'abort'>();

  /** The transaction a send's invocation or completion value names (its number), or -1; notes an outcome it declares. */
  ofSend(value: unknown): number {
    const id = txnIdOf(value);
    if (id === undefined) return -1;
    const outcome = loose(loose(value)?.txn)?.outcome;
    if (isOutcome(outcome)) this.declared.set(id, outcome);
    let t = this.numbers.get(id);
    if (t === undefined) {
      this.numbers.set(id, (t = this.fates.length));
      this.fates.push({ id, outcome: 'unknown', endInvoke: -1 });
    }
    return t;
  }

  /** An end-txn invocation at position `i`. */
  endInvoked(i: number, value: unknown): void {
    const id = endIdOf(loose(value)?.id);
    if (id !== undefined && !this.ended.has(id)) this.ended.set(id, { outcome: null, endInvoke: i });
  }

  /** An ok end-txn completion; `invoke` is its invocation's position (-1: none). Id and outcome come from it, else from the invocation. */
  endCompleted(op: Op, invoke: number, history: readonly Op[]): void {
    const invokeValue = invoke >= 0 ? history[invoke]!.value : undefined;
    const id = endIdOf(loose(op.value)?.id ?? loose(invokeValue)?.id);
    const outcome = loose(op.value)?.outcome ?? loose(invokeValue)?.outcome;
    if (id === undefined || !isOutcome(outcome)) return;
    const e = this.ended.get(id);
    if (e) e.outcome ??= outcome;
    else this.ended.set(id, { outcome, endInvoke: invoke });
  }

  /**
   * Settles every transaction named on a send — a completed end-txn is the better witness of the
   * outcome than what a send said — and marks the partitions (send columns `txn` and `part`) they wrote to.
   */
  finish(sendTxn: readonly number[], sendPart: readonly number[], partitionCount: number): TransactionsIndex {
    // Transactions only ended (never named on a send) matter to no checker.
    for (const [id, e] of this.ended) {
      const t = this.numbers.get(id);
      if (t === undefined) continue;
      this.fates[t]!.outcome = e.outcome ?? 'unknown';
      this.fates[t]!.endInvoke = e.endInvoke;
    }
    for (const [id, outcome] of this.declared) {
      const t = this.fates[this.numbers.get(id)!]!;
      if (t.outcome === 'unknown') t.outcome = outcome;
    }
    const partitions = new Array<number>(partitionCount).fill(0);
    for (let s = 0; s < sendTxn.length; s++) if (sendTxn[s]! >= 0 && sendPart[s]! >= 0) partitions[sendPart[s]!] = 1;
    return { fates: this.fates, partitions };
  }
}
