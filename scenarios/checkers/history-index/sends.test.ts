import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/history/history.ts';
import { RecordContents } from './content-ids.ts';
import { PartitionIds } from './partition-ids.ts';
import { FAIL, INFO, OK, OPEN, SendsBuilder } from './sends.ts';
import { TransactionsBuilder } from './transactions.ts';

const value = (v: string, extra: object = {}) => ({ topic: 't', partition: 1, key: null, value: v, ...extra });

/** A sends part over `history`, fed by hand as indexHistory would. */
function setup(history: Op[]) {
  const partitions = new PartitionIds();
  const contents = new RecordContents();
  const txns = new TransactionsBuilder();
  const sends = new SendsBuilder(history, ['p', 'q'], partitions, contents, txns);
  return { partitions, contents, txns, sends };
}

const at = (history: Op[], process: Op['process'], type: Op['type'], v: unknown): Op => {
  const op: Op = { index: history.length, time: history.length * 10, process, type, f: 'send', value: v };
  history.push(op);
  return op;
};

describe('SendsBuilder', () => {
  it('keeps a row per send with its outcome, acknowledged offset and content, and numbers senders by first send', () => {
    const history: Op[] = [];
    const { sends, partitions, contents, txns } = setup(history);
    at(history, 'q', 'invoke', value('a'));
    const a = sends.invoked(0, 1, history[0]!.value);
    at(history, 'p', 'invoke', value('b'));
    const b = sends.invoked(1, 0, history[1]!.value);
    at(history, 'p', 'invoke', value('c'));
    const c = sends.invoked(2, 0, history[2]!.value);
    sends.completed(3, at(history, 'q', 'ok', { ...value('a'), offset: 4 }), 1, a, 0);
    sends.completed(4, at(history, 'p', 'info', null), 0, b, 0);
    sends.completed(5, at(history, 'p', 'ok', { ...value('c'), offset: -1 }), 0, c, 0);
    const ix = sends.finish(txns.finish(sends.txnColumns.txn, sends.txnColumns.part, partitions.names.length).fates);
    expect(ix.count).toBe(3);
    expect(ix.processes).toEqual(['q', 'p']);
    expect(ix.process).toEqual([0, 1, 1]);
    expect(ix.invoke).toEqual([0, 1, 2]);
    expect(ix.done).toEqual([3, 4, 5]);
    expect(ix.time).toEqual([30, 40, 50]);
    expect(ix.outcome).toEqual([OK, INFO, OK]);
    expect(ix.part).toEqual([0, 0, 0]);
    // acks=0: ok, no offset.
    expect(ix.offset).toEqual([4, -1, -1]);
    // The info send's content is what its invocation sent.
    expect(ix.content).toEqual([0, 1, 2]);
    expect(contents.ids.values).toEqual(['a', 'b', 'c']);
    expect(ix.durable).toEqual([1, 1, 1]);
  });

  it('adds a row for a completion nothing waited for, and numbers never-completed sends last', () => {
    const history: Op[] = [];
    const { sends, contents } = setup(history);
    at(history, 'p', 'invoke', value('open'));
    sends.invoked(0, 0, history[0]!.value);
    sends.completed(1, at(history, 'q', 'fail', value('orphan')), 1, -1, 0);
    const ix = sends.finish([]);
    expect(ix.invoke).toEqual([0, -1]);
    expect(ix.done).toEqual([-1, 1]);
    expect(ix.outcome).toEqual([OPEN, FAIL]);
    expect(Number.isNaN(ix.time[0])).toBe(true);
    expect(contents.ids.values).toEqual(['orphan', 'open']);
    expect(ix.content).toEqual([1, 0]);
  });

  it('tags sends with their transaction (from invocation or completion) and keeps only committed ones durable', () => {
    const history: Op[] = [];
    const { sends, txns, partitions } = setup(history);
    at(history, 'p', 'invoke', value('a', { txn: { id: 'x' } }));
    const a = sends.invoked(0, 0, history[0]!.value);
    at(history, 'p', 'invoke', value('b'));
    const b = sends.invoked(1, 0, history[1]!.value);
    sends.completed(2, at(history, 'p', 'ok', { ...value('a'), offset: 0 }), 0, a, 0);
    sends.completed(
      3,
      at(history, 'p', 'ok', { ...value('b'), offset: 1, txn: { id: 'y', outcome: 'commit' } }),
      0,
      b,
      0,
    );
    const t = txns.finish(sends.txnColumns.txn, sends.txnColumns.part, partitions.names.length);
    const ix = sends.finish(t.fates);
    expect(ix.txn).toEqual([0, 1]);
    expect(t.fates.map((f) => f.outcome)).toEqual(['unknown', 'commit']);
    expect(ix.durable).toEqual([0, 1]);
    expect(t.partitions).toEqual([1]);
  });
});
