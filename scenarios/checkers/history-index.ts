import type { Op } from '../../harness/history/history.ts';
import { NEMESIS } from '../../harness/nemesis/nemesis.ts';
import { ActorIds } from './history-index/actors.ts';
import { RecordContents } from './history-index/content-ids.ts';
import { ExpectationsBuilder, type ExpectationsIndex } from './history-index/expectations.ts';
import { FinalReadBuilder, type FinalReadIndex } from './history-index/final-read.ts';
import { NemesisBuilder, type NemesisIndex } from './history-index/nemesis.ts';
import { Pairing } from './history-index/pairing.ts';
import { PartitionIds } from './history-index/partition-ids.ts';
import { pollOfRow, PollsBuilder, type PollsIndex, type RecordRows } from './history-index/polls.ts';
import { RepositionsBuilder, type RepositionsIndex } from './history-index/repositions.ts';
import { SendsBuilder, type SendsIndex } from './history-index/sends.ts';
import { TransactionsBuilder, type TransactionsIndex } from './history-index/transactions.ts';
import { END_TXN, FINAL_READ, POLL, REPLAY_READ, SEND, TXN_BEGIN, type RecordRef } from '../../harness/history/ops.ts';

export { ContentIds } from './history-index/content-ids.ts';
export type { ExpectationsIndex } from './history-index/expectations.ts';
export type { FinalReadIndex } from './history-index/final-read.ts';
export { faultChangesBetween, type NemesisIndex } from './history-index/nemesis.ts';
export { OffsetTable } from './history-index/offset-table.ts';
export { PartitionIds } from './history-index/partition-ids.ts';
export {
  pollOfRow,
  READ_COMMITTED,
  READ_UNCOMMITTED,
  UNSAID,
  type PollsIndex,
  type RecordRows,
} from './history-index/polls.ts';
export type { RepositionsIndex } from './history-index/repositions.ts';
export { FAIL, INFO, OK, OPEN, type SendsIndex } from './history-index/sends.ts';
export type { TransactionsIndex, TxnFate } from './history-index/transactions.ts';

/**
 * What the checkers need from a history, gathered in one pass — the only one that touches the
 * ops and records themselves — as typed parts (history-index/), each a set of columns (struct of
 * arrays of numbers) with its own builder: one row per send, one per ok poll, one per polled
 * record, so the checkers run over a small fraction of the history's memory. At 10^6 ops the
 * history's objects no longer fit in any cache and every pass over them runs at memory latency;
 * the columns largely do fit.
 *
 * The pass allocates no object per op, and the columns are plain arrays of small integers and
 * doubles, not typed arrays: V8 starts a full garbage collection — which must mark the whole
 * history, tens of MB per 10^5 ops — whenever some 64 MB of typed-array memory has been allocated
 * since the last one, a bound that does not grow with the heap, so typed columns would cost a
 * full collection per check of a 10^6-op history. Arrays on the heap are collected on the heap's
 * own schedule, which grows with the heap.
 *
 * Shared by the parts: partition ids, actor numbers (every process), and content ids (key and
 * value numbered once, so sends and reads are matched through arrays, not string maps).
 * Invocations and completions are paired first in, first out per process and `f` (pairing.ts).
 */
export interface HistoryIndex {
  history: readonly Op[];
  /** How many distinct record contents there are; content ids run from 0 to contents - 1. */
  contents: number;
  partitions: PartitionIds;
  /** Every process, numbered in order of first appearance (the actor numbers of the polls, repositions and final-read parts). */
  actors: Op['process'][];
  sends: SendsIndex;
  polls: PollsIndex;
  /** The polled records (rows), poll after poll. */
  records: RecordRows;
  final: FinalReadIndex;
  repositions: RepositionsIndex;
  expectations: ExpectationsIndex;
  txns: TransactionsIndex;
  nemesis: NemesisIndex;
}

/**
 * Builds the index in O(n). Each op goes to the part its `f` (and process) belongs to; a new
 * part is a builder in history-index/, a branch below, and a field of HistoryIndex.
 */
export function indexHistory(history: readonly Op[]): HistoryIndex {
  const partitions = new PartitionIds();
  const contents = new RecordContents();
  const actors = new ActorIds();
  const pairing = new Pairing();
  const txns = new TransactionsBuilder();
  const sends = new SendsBuilder(history, actors.list, partitions, contents, txns);
  const polls = new PollsBuilder(partitions, contents);
  const final = new FinalReadBuilder();
  const repositions = new RepositionsBuilder();
  const expectations = new ExpectationsBuilder();
  const nemesis = new NemesisBuilder();

  for (let i = 0; i < history.length; i++) {
    const op = history[i]!;
    const process = op.process;
    const f = op.f;
    const actor = actors.of(process);
    if (process === FINAL_READ && f === POLL) final.saw(i, op);
    else if (process === NEMESIS) nemesis.saw(i, op);
    if (op.type === 'invoke') {
      const e = expectations.invoked(i, op.value);
      pairing.add(actor, f, f === SEND ? sends.invoked(i, actor, op.value) : i, e);
      if (f === END_TXN) txns.endInvoked(i, op.value);
      else if (f === TXN_BEGIN) txns.begin(i, actor, op.value);
      continue;
    }
    // An invocation's position, or for sends its send row.
    const waited = pairing.take(actor, f);
    expectations.completed(pairing.expectation, i);
    if (f === SEND) sends.completed(i, op, actor, waited, polls.rows);
    else if (f === POLL) {
      // A poll that failed or timed out read nothing.
      if (op.type === 'ok') {
        const start = polls.rows;
        const invokeValue = waited >= 0 ? history[waited]!.value : undefined;
        const p = polls.completed(i, op, actor, invokeValue, sends.count);
        txns.polled(p, i, actor, op.value, invokeValue);
        if (process === FINAL_READ) final.read(i, op, start);
        else if (process === REPLAY_READ) final.replayed(p);
      }
    } else if (RepositionsBuilder.handles(f)) repositions.completed(i, actor, op.type);
    else if (f === END_TXN && op.type === 'ok') txns.endCompleted(op, waited, history, i);
    else if (f === TXN_BEGIN && op.type === 'ok') txns.begin(i, actor, op.value, true);
  }

  const { txn, part } = sends.txnColumns;
  const txnIndex = txns.finish(txn, part, partitions.names.length);
  const sendIndex = sends.finish(txnIndex.fates);
  const read = polls.finish();
  return {
    history,
    contents: contents.size,
    partitions,
    actors: actors.list,
    sends: sendIndex,
    polls: read.polls,
    records: read.records,
    final: final.finish(partitions.names, actors.get(FINAL_READ), actors.get(REPLAY_READ)),
    repositions: repositions.finish(),
    expectations: expectations.finish(),
    txns: txnIndex,
    nemesis: nemesis.finish(),
  };
}

/** The record behind a record row (for witnesses). */
export function recordOfRow(ix: HistoryIndex, row: number): RecordRef {
  const p = pollOfRow(ix.polls, row);
  return (ix.history[ix.polls.at[p]!]!.value as { records: RecordRef[] }).records[row - ix.polls.start[p]!]!;
}

/** The ok completion of poll row `p`. */
export function pollOp(ix: HistoryIndex, p: number): Op {
  return ix.history[ix.polls.at[p]!]!;
}

/** The record an ok send acknowledged (for witnesses). */
export function ackedRecord(ix: HistoryIndex, s: number): RecordRef {
  return ix.history[ix.sends.done[s]!]!.value as RecordRef;
}
