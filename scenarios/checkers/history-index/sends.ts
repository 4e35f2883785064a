import type { Op } from '../../../harness/history/history.ts';
import type { RecordRef } from '../../../harness/history/ops.ts';
import type { RecordContents } from './content-ids.ts';
import { loose } from './op-values.ts';
import type { PartitionIds } from './partition-ids.ts';
import type { TransactionsBuilder, TxnFate } from './transactions.ts';

/** Send outcomes in SendsIndex.outcome. OPEN: never completed (as good as info). */
export const OPEN = 0;
export const OK = 1;
export const FAIL = 2;
export const INFO = 3;

/**
 * Sends, one row each in invocation order (a completion without an invocation: at its
 * completion), as columns. Per process, invocation order is completion order (sends pair first
 * in, first out), so an ok send's row comes after every earlier ack of its process.
 */
export interface SendsIndex {
  count: number;
  /** The processes that sent, numbered in order of their first send (the `process` column holds these numbers). */
  processes: Op['process'][];
  /** Positions of the invocation (-1 for none) and of the completion (-1: never completed). */
  invoke: readonly number[];
  done: readonly number[];
  /** The completion's time (ms); NaN while never completed. */
  time: readonly number[];
  /** OPEN, OK, FAIL or INFO. */
  outcome: readonly number[];
  process: readonly number[];
  /** Content id of the record sent (the acknowledged one for ok sends). */
  content: readonly number[];
  /** Partition id the send named, or -1. */
  part: readonly number[];
  /** The acknowledged offset; -1 when there is none (not ok, or acks=0). */
  offset: readonly number[];
  /** Number of the send's transaction (TransactionsIndex.fates), or -1. */
  txn: readonly number[];
  /** 1 when the record is meant to stay: not transactional, or its transaction committed. */
  durable: readonly number[];
}

/** The partition id a value names (`topic` and `partition`), or -1. */
function partOf(partitions: PartitionIds, v: unknown): number {
  const o = loose(v);
  const topic = o?.topic;
  const partition = o?.partition;
  return typeof topic === 'string' && typeof partition === 'number' ? partitions.id(topic, partition) : -1;
}

/** Builds the SendsIndex as the history is read in order; allocates no object per send. */
export class SendsBuilder {
  private readonly processes: Op['process'][] = [];
  // Actor number → send process number (-1 or undefined until the actor's first send).
  private readonly senderOf: number[] = [];
  private readonly invoke: number[] = [];
  private readonly done: number[] = [];
  private readonly time: number[] = [];
  private readonly outcome: number[] = [];
  private readonly process: number[] = [];
  private readonly content: number[] = [];
  private readonly part: number[] = [];
  private readonly offset: number[] = [];
  private readonly txn: number[] = [];
  private readonly history: readonly Op[];
  private readonly actors: readonly Op['process'][];
  private readonly partitions: PartitionIds;
  private readonly contents: RecordContents;
  private readonly txns: TransactionsBuilder;

  /** `actors`: the process behind each actor number, as numbering goes on. */
  constructor(
    history: readonly Op[],
    actors: readonly Op['process'][],
    partitions: PartitionIds,
    contents: RecordContents,
    txns: TransactionsBuilder,
  ) {
    this.history = history;
    this.actors = actors;
    this.partitions = partitions;
    this.contents = contents;
    this.txns = txns;
  }

  get count(): number {
    return this.invoke.length;
  }

  private add(invoke: number, actor: number, part: number, txn: number): number {
    let sender = this.senderOf[actor] ?? -1;
    if (sender < 0) {
      while (this.senderOf.length < actor) this.senderOf.push(-1);
      sender = this.senderOf[actor] = this.processes.length;
      this.processes.push(this.actors[actor]!);
    }
    this.invoke.push(invoke);
    this.done.push(-1);
    this.time.push(NaN);
    this.outcome.push(OPEN);
    this.process.push(sender);
    this.content.push(-1);
    this.part.push(part);
    this.offset.push(-1);
    this.txn.push(txn);
    return this.invoke.length - 1;
  }

  /** A send invoked by `actor` at position `i` with `value`: its row. */
  invoked(i: number, actor: number, value: unknown): number {
    const txn = this.txns.ofSend(value, i, actor);
    return this.add(i, actor, partOf(this.partitions, value), txn);
  }

  /**
   * A send's completion `op` at position `i`, for row `s` (-1: no invocation waited, a row is
   * added). `budget`: rows indexed so far (RecordContents).
   */
  completed(i: number, op: Op, actor: number, s: number, budget: number): void {
    const v = op.value;
    if (s < 0) s = this.add(-1, actor, partOf(this.partitions, v), -1);
    const inv = this.invoke[s]!;
    this.done[s] = i;
    this.time[s] = op.time;
    this.outcome[s] = op.type === 'ok' ? OK : op.type === 'fail' ? FAIL : INFO;
    const txn = this.txns.ofSend(v, i, actor);
    if (txn >= 0) this.txn[s] = txn;
    if (op.type === 'ok' && typeof v === 'object' && v !== null) {
      const r = v as RecordRef;
      const part = partOf(this.partitions, r);
      const offset = r.offset >= 0 ? r.offset : -1;
      this.part[s] = part;
      this.offset[s] = offset;
      this.content[s] = this.contents.of(part, offset, r.key, r.value, budget + s);
    } else {
      // Not acknowledged: what was sent is what the invocation said.
      const sent = (inv >= 0 ? this.history[inv]!.value : undefined) ?? v;
      this.content[s] = this.contents.of(-1, -1, loose(sent)?.key, loose(sent)?.value, 0);
    }
  }

  /**
   * Numbers the contents of sends never completed (after every other content, as they come last),
   * then settles durability with the transactions' `fates`.
   */
  finish(fates: readonly TxnFate[]): SendsIndex {
    const count = this.invoke.length;
    for (let s = 0; s < count; s++) {
      if (this.content[s]! >= 0) continue;
      const sent = this.history[this.invoke[s]!]!.value;
      this.content[s] = this.contents.of(-1, -1, loose(sent)?.key, loose(sent)?.value, 0);
    }
    const durable = new Array<number>(count);
    for (let s = 0; s < count; s++) {
      const t = this.txn[s]!;
      durable[s] = t < 0 || fates[t]!.outcome === 'commit' ? 1 : 0;
    }
    return {
      count,
      processes: this.processes,
      invoke: this.invoke,
      done: this.done,
      time: this.time,
      outcome: this.outcome,
      process: this.process,
      content: this.content,
      part: this.part,
      offset: this.offset,
      txn: this.txn,
      durable,
    };
  }

  /** The columns `txn` and `part` so far, for TransactionsBuilder.finish. */
  get txnColumns(): { txn: readonly number[]; part: readonly number[] } {
    return { txn: this.txn, part: this.part };
  }
}
