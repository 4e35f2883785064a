import type { Op } from '../../../harness/history/history.ts';
import { loose } from './op-values.ts';

/** How a transaction ended, as far as the history tells. */
export interface TxnFate {
  id: string;
  outcome: 'commit' | 'abort' | 'unknown';
  /** Position of the first end-txn invocation for it; -1 when none was recorded. */
  endInvoke: number;
  /** Position of the ok end-txn completion that settled it (the acknowledged outcome); -1 when none. */
  endDone: number;
  /** Position of its first op (txn-begin invocation, or its first send's or poll's); orders a session's transactions. */
  first: number;
  /** Position of its ok txn-begin (the producer had its id and epoch: InitProducerId had fenced older ones); -1 when none. */
  begun: number;
  /** The actor (process number) it first appeared with. */
  actor: number;
  /** The transactional.id it ran under (txn-begin or a send's tag), or null when the history does not say. */
  transactionalId: string | null;
  /** What its txn-begin completion reported (InitProducerId's answer); -1 when not reported. */
  producerId: number;
  epoch: number;
  /**
   * Its session: transactions of one transactional.id (or, when none is said, of one process)
   * run one after another, numbered from 0 in order of appearance.
   */
  session: number;
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
  /** Reads inside a transaction (consume-transform-produce): poll rows and, at the same index, their transaction. */
  pollRows: readonly number[];
  pollTxns: readonly number[];
}

const isOutcome = (o: unknown): o is 'commit' | 'abort' => o === 'commit' || o === 'abort';

/** The id of a send's transaction (`value.txn.id`, as a string), or undefined. */
function txnIdOf(v: unknown): string | undefined {
  const id = loose(loose(v)?.txn)?.id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
}

const wholeOr = (v: unknown, otherwise: number): number => (Number.isInteger(v) ? (v as number) : otherwise);

/** The id an end-txn value names (a number counts as its string), or undefined. */
const endIdOf = (id: unknown): string | undefined =>
  typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;

/** Builds the TransactionsIndex as the history is read in order. */
export class TransactionsBuilder {
  private readonly numbers = new Map<string, number>();
  private readonly fates: TxnFate[] = [];
  /** Ends seen per id: the first end-txn invocation, and the outcome its ok completion settled (null: none yet). */
  private readonly ended = new Map<
    string,
    { outcome: 'commit' | 'abort' | null; endInvoke: number; endDone: number }
  >();
  /** Outcomes sends declared, per id (the last one said). */
  private readonly declared = new Map<string, 'commit' | 'abort'>();
  /** The actor each transaction first appeared with (its session when no transactional.id is said). */
  private readonly actorOf: number[] = [];
  private readonly pollRows: number[] = [];
  private readonly pollTxns: number[] = [];

  /** The last transaction each actor named (id and number): its next op mostly names it again, and a string compare is cheaper than a lookup. */
  private readonly lastId: (string | undefined)[] = [];
  private readonly lastNumber: number[] = [];

  /** The number of transaction `id`, numbering it (first seen at position `i`, by `actor`) when new. */
  private number(id: string, i: number, actor: number): number {
    if (actor >= 0 && this.lastId[actor] === id) return this.lastNumber[actor]!;
    const t = this.lookUp(id, i, actor);
    if (actor >= 0) {
      while (this.lastId.length <= actor) {
        this.lastId.push(undefined);
        this.lastNumber.push(-1);
      }
      this.lastId[actor] = id;
      this.lastNumber[actor] = t;
    }
    return t;
  }

  private lookUp(id: string, i: number, actor: number): number {
    let t = this.numbers.get(id);
    if (t === undefined) {
      this.numbers.set(id, (t = this.fates.length));
      this.fates.push({
        id,
        outcome: 'unknown',
        endInvoke: -1,
        endDone: -1,
        first: i,
        begun: -1,
        actor,
        transactionalId: null,
        producerId: -1,
        epoch: -1,
        session: -1,
      });
      this.actorOf.push(actor);
    }
    return t;
  }

  /**
   * The transaction a send's invocation or completion value names (its number), or -1; notes an
   * outcome and transactional.id it declares. `i`, `actor`: where the value was seen.
   */
  ofSend(value: unknown, i = -1, actor = -1): number {
    const tag = loose(loose(value)?.txn) as { outcome?: unknown; transactionalId?: unknown } | undefined;
    const id = txnIdOf(value);
    if (id === undefined) return -1;
    if (isOutcome(tag?.outcome)) this.declared.set(id, tag.outcome);
    const t = this.number(id, i, actor);
    if (typeof tag?.transactionalId === 'string') this.fates[t]!.transactionalId ??= tag.transactionalId;
    return t;
  }

  /** A txn-begin op (invocation, or ok completion when `ok`) at position `i` by `actor`. */
  begin(i: number, actor: number, value: unknown, ok = false): void {
    const v = loose(value) as { id?: unknown; transactionalId?: unknown; producerId?: unknown; epoch?: unknown };
    const id = endIdOf(v?.id);
    if (id === undefined) return;
    const fate = this.fates[this.number(id, i, actor)]!;
    if (ok && fate.begun < 0) fate.begun = i;
    if (typeof v.transactionalId === 'string') fate.transactionalId ??= v.transactionalId;
    fate.producerId = wholeOr(v.producerId, fate.producerId);
    fate.epoch = wholeOr(v.epoch, fate.epoch);
  }

  /** Ok poll row `p` (at position `i`, by `actor`): notes the transaction it read in, when its value names one. */
  polled(p: number, i: number, actor: number, value: unknown, invokeValue: unknown): void {
    const id = txnIdOf(value) ?? txnIdOf(invokeValue);
    if (id === undefined) return;
    this.pollRows.push(p);
    this.pollTxns.push(this.number(id, i, actor));
  }

  /** An end-txn invocation at position `i`. */
  endInvoked(i: number, value: unknown): void {
    const id = endIdOf(loose(value)?.id);
    if (id !== undefined && !this.ended.has(id)) this.ended.set(id, { outcome: null, endInvoke: i, endDone: -1 });
  }

  /**
   * An ok end-txn completion at position `i`; `invoke` is its invocation's position (-1: none).
   * Id and outcome come from it, else from the invocation.
   */
  endCompleted(op: Op, invoke: number, history: readonly Op[], i = -1): void {
    const invokeValue = invoke >= 0 ? history[invoke]!.value : undefined;
    const id = endIdOf(loose(op.value)?.id ?? loose(invokeValue)?.id);
    const outcome = loose(op.value)?.outcome ?? loose(invokeValue)?.outcome;
    if (id === undefined || !isOutcome(outcome)) return;
    const e = this.ended.get(id);
    if (e) {
      if (e.outcome === null) {
        e.outcome = outcome;
        e.endDone = i;
      }
    } else this.ended.set(id, { outcome, endInvoke: invoke, endDone: i });
  }

  /**
   * Settles every transaction named on a send — a completed end-txn is the better witness of the
   * outcome than what a send said — numbers the sessions, and marks the partitions (send columns
   * `txn` and `part`) they wrote to.
   */
  finish(sendTxn: readonly number[], sendPart: readonly number[], partitionCount: number): TransactionsIndex {
    // Transactions only ended (never named on a send) matter to no checker.
    for (const [id, e] of this.ended) {
      const t = this.numbers.get(id);
      if (t === undefined) continue;
      this.fates[t]!.outcome = e.outcome ?? 'unknown';
      this.fates[t]!.endInvoke = e.endInvoke;
      this.fates[t]!.endDone = e.endDone;
    }
    for (const [id, outcome] of this.declared) {
      const t = this.fates[this.numbers.get(id)!]!;
      if (t.outcome === 'unknown') t.outcome = outcome;
    }
    const sessions = new Map<string, number>();
    for (let t = 0; t < this.fates.length; t++) {
      const fate = this.fates[t]!;
      const key = fate.transactionalId !== null ? `t:${fate.transactionalId}` : `a:${this.actorOf[t]}`;
      let n = sessions.get(key);
      if (n === undefined) sessions.set(key, (n = sessions.size));
      fate.session = n;
    }
    const partitions = new Array<number>(partitionCount).fill(0);
    for (let s = 0; s < sendTxn.length; s++) if (sendTxn[s]! >= 0 && sendPart[s]! >= 0) partitions[sendPart[s]!] = 1;
    return { fates: this.fates, partitions, pollRows: this.pollRows, pollTxns: this.pollTxns };
  }
}
