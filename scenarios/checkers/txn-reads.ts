/**
 * What one read may return of a transaction, judged per poll at the isolation level the poll
 * says it read at (polls that do not say are not judged: clients differ in their default).
 *
 * - G1a (aborted read): a read_committed poll returned a record of an aborted transaction.
 *   read_uncommitted reads are allowed to (counted in the summary).
 * - Precommitted read: a read_committed poll returned a record of a transaction whose end had not
 *   even been asked for: the poll completed before the transaction's first end-txn invocation.
 *   Kafka's EndTxn answer comes once the coordinator logged PREPARE_COMMIT, and the markers that
 *   make the records readable are written around then (before the answer or just after it), so a
 *   read between the end's invocation and its answer — or of a record still invisible just after
 *   the answer — is not an anomaly. Only a read before the end was invoked is certain to have
 *   read past the last stable offset, whatever the broker's marker timing.
 * - G1b (intermediate read): a read_committed reader returned records of transaction T in one
 *   partition on both sides of another record of T it did not return. A fetch returns a
 *   contiguous stretch of the log, so within one poll (and across the polls of a final read or
 *   replay, which read each partition straight through) the reader saw T's writes half-applied.
 */
import type { Op } from '../../harness/history/history.ts';
import { MAX_WITNESSES, verdict, type CheckResult } from '../../harness/history/check-result.ts';
import {
  indexHistory,
  pollOp,
  READ_COMMITTED,
  READ_UNCOMMITTED,
  recordOfRow,
  type HistoryIndex,
} from './history-index.ts';
import { firstAbove, partitionOrders, txnOfContents, type PartitionOrder } from './txn-graph.ts';

const none = (checker: string, why: string): CheckResult => ({
  checker,
  valid: true,
  summary: why,
  witnesses: [],
  count: 0,
});

const noCommittedReads = (checker: string, txns: number): CheckResult => ({
  checker,
  valid: 'unknown',
  summary: `${txns} transaction(s), but no read_committed poll to check`,
  witnesses: [],
});

/** How many read_committed polls the history has (replay aside: it must equal the final read, which is judged). */
function committedPolls(ix: HistoryIndex): number {
  let n = 0;
  for (let p = 0; p < ix.polls.count; p++)
    if (ix.polls.isolation[p] === READ_COMMITTED && ix.polls.actor[p] !== ix.final.replayActor) n++;
  return n;
}

/** G1a: aborted reads under read_committed. */
export function checkG1a(
  history: readonly Op[],
  ix: HistoryIndex = indexHistory(history),
  txnOf: readonly number[] = txnOfContents(ix),
): CheckResult {
  const fates = ix.txns.fates;
  if (fates.length === 0) return none('txn-g1a', 'no transactions: nothing to check');
  const polls = committedPolls(ix);
  if (polls === 0) return noCommittedReads('txn-g1a', fates.length);
  let count = 0;
  let uncommitted = 0;
  const witnesses: unknown[] = [];
  for (let p = 0; p < ix.polls.count; p++) {
    const isolation = ix.polls.isolation[p];
    if (isolation !== READ_COMMITTED && isolation !== READ_UNCOMMITTED) continue;
    const end = ix.polls.start[p]! + ix.polls.size[p]!;
    for (let row = ix.polls.start[p]!; row < end; row++) {
      const t = txnOf[ix.records.content[row]!]!;
      if (t < 0 || fates[t]!.outcome !== 'abort') continue;
      if (isolation === READ_UNCOMMITTED) {
        uncommitted++;
        continue;
      }
      count++;
      if (witnesses.length < MAX_WITNESSES)
        witnesses.push({ txn: fates[t]!.id, record: recordOfRow(ix, row), poll: pollOp(ix, p) });
    }
  }
  const aborted = fates.filter((f) => f.outcome === 'abort').length;
  const ru = `; read_uncommitted polls returned ${uncommitted} record(s) of aborted transactions (allowed)`;
  return verdict(
    'txn-g1a',
    count,
    witnesses,
    `${polls} read_committed poll(s) returned nothing of the ${aborted} aborted transaction(s)${ru}`,
    `${count} record(s) of aborted transactions returned to read_committed polls${ru}`,
    null,
  );
}

/** Precommitted reads: read_committed polls that completed before the transaction's end was invoked. */
export function checkPrecommittedReads(
  history: readonly Op[],
  ix: HistoryIndex = indexHistory(history),
  txnOf: readonly number[] = txnOfContents(ix),
): CheckResult {
  const fates = ix.txns.fates;
  if (fates.length === 0) return none('txn-precommitted-read', 'no transactions: nothing to check');
  const polls = committedPolls(ix);
  if (polls === 0) return noCommittedReads('txn-precommitted-read', fates.length);
  let count = 0;
  const witnesses: unknown[] = [];
  for (let p = 0; p < ix.polls.count; p++) {
    if (ix.polls.isolation[p] !== READ_COMMITTED) continue;
    const at = ix.polls.at[p]!;
    const end = ix.polls.start[p]! + ix.polls.size[p]!;
    for (let row = ix.polls.start[p]!; row < end; row++) {
      const t = txnOf[ix.records.content[row]!]!;
      if (t < 0) continue;
      const f = fates[t]!;
      // Aborted ones are G1a's; a transaction never ended (-1) has no moment to compare with.
      if (f.outcome === 'abort' || f.endInvoke < 0 || at > f.endInvoke) continue;
      count++;
      if (witnesses.length < MAX_WITNESSES)
        witnesses.push({
          txn: f.id,
          record: recordOfRow(ix, row),
          poll: pollOp(ix, p),
          endInvoked: ix.history[f.endInvoke],
        });
    }
  }
  return verdict(
    'txn-precommitted-read',
    count,
    witnesses,
    `${polls} read_committed poll(s) returned no record before its transaction's end was invoked`,
    `${count} record(s) returned to read_committed polls before their transaction's end was even invoked`,
    null,
  );
}

/** Whether `order` holds a record of transaction `t` at an offset strictly between `a` and `c`; returns that offset or -1. */
function recordOfBetween(order: PartitionOrder, t: number, a: number, c: number): number {
  for (let k = firstAbove(order.offsets, a); k < order.offsets.length && order.offsets[k]! < c; k++)
    if (order.txns[k] === t) return order.offsets[k]!;
  return -1;
}

/** G1b: intermediate reads under read_committed (see the module comment for the scope). */
export function checkG1b(
  history: readonly Op[],
  ix: HistoryIndex = indexHistory(history),
  txnOf: readonly number[] = txnOfContents(ix),
  orders: readonly PartitionOrder[] = partitionOrders(ix, txnOf),
): CheckResult {
  const fates = ix.txns.fates;
  if (fates.length === 0) return none('txn-g1b', 'no transactions: nothing to check');
  const polls = committedPolls(ix);
  if (polls === 0) return noCommittedReads('txn-g1b', fates.length);
  const { records } = ix;
  let count = 0;
  const witnesses: unknown[] = [];
  // The reader's previous row per partition (-1: none): per poll, except for the final read and
  // the replay, which read each partition straight through (rows of their own). Per-poll rows
  // are stamped with the poll, so no poll clears an array.
  const P = ix.partitions.names.length;
  const finalRow = new Array<number>(P).fill(-1);
  const replayRow = new Array<number>(P).fill(-1);
  const pollRow = new Array<number>(P).fill(-1);
  const pollStamp = new Array<number>(P).fill(-1);
  for (let p = 0; p < ix.polls.count; p++) {
    if (ix.polls.isolation[p] !== READ_COMMITTED) continue;
    const actor = ix.polls.actor[p]!;
    const lastRow = actor === ix.final.actor ? finalRow : actor === ix.final.replayActor ? replayRow : null;
    const end = ix.polls.start[p]! + ix.polls.size[p]!;
    for (let row = ix.polls.start[p]!; row < end; row++) {
      const part = records.part[row]!;
      let prev: number;
      if (lastRow) {
        prev = lastRow[part]!;
        lastRow[part] = row;
      } else {
        prev = pollStamp[part] === p ? pollRow[part]! : -1;
        pollStamp[part] = p;
        pollRow[part] = row;
      }
      const t = txnOf[records.content[row]!]!;
      if (prev < 0 || t < 0 || fates[t]!.outcome === 'abort') continue;
      if (txnOf[records.content[prev]!] !== t) continue;
      const a = records.offset[prev]!;
      const c = records.offset[row]!;
      if (c <= a + 1) continue;
      const missed = recordOfBetween(orders[part]!, t, a, c);
      if (missed < 0) continue;
      count++;
      if (witnesses.length < MAX_WITNESSES)
        witnesses.push({
          txn: fates[t]!.id,
          read: [recordOfRow(ix, prev), recordOfRow(ix, row)],
          missedOffset: missed,
          poll: pollOp(ix, p),
        });
    }
  }
  return verdict(
    'txn-g1b',
    count,
    witnesses,
    `${polls} read_committed poll(s): no transaction's records returned with one of its own records between them missing`,
    `${count} read(s) of a transaction's records with one of its records between them missing (an intermediate state)`,
    null,
  );
}
