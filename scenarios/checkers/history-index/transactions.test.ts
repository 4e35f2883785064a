import { describe, expect, it } from 'vitest';
import type { Op } from '../../../harness/history/history.ts';
import { TransactionsBuilder } from './transactions.ts';

const done = (value: unknown, type: Op['type'] = 'ok'): Op => ({
  index: 0,
  time: 0,
  process: 'p',
  type,
  f: 'end-txn',
  value,
});

describe('TransactionsBuilder', () => {
  it('numbers transactions in order of first appearance on a send (numeric ids as strings)', () => {
    const b = new TransactionsBuilder();
    expect([
      b.ofSend({ txn: { id: 'b' } }),
      b.ofSend({ txn: { id: 7 } }),
      b.ofSend({ txn: { id: 'b' } }),
      b.ofSend({ txn: { id: '7' } }),
    ]).toEqual([0, 1, 0, 1]);
    expect([b.ofSend({}), b.ofSend({ txn: {} }), b.ofSend({ txn: { id: true } }), b.ofSend(null)]).toEqual([
      -1, -1, -1, -1,
    ]);
    expect(b.finish([], [], 0).fates.map((t) => t.id)).toEqual(['b', '7']);
  });

  it('settles outcomes: a completed end-txn over what a send declared, and the first end-txn invocation as the end', () => {
    const b = new TransactionsBuilder();
    const history: Op[] = [];
    b.ofSend({ txn: { id: 'c', outcome: 'abort' } });
    b.ofSend({ txn: { id: 'd', outcome: 'abort' } });
    b.ofSend({ txn: { id: 'u' } });
    b.ofSend({ txn: { id: 'timed-out' } });
    b.endInvoked(10, { id: 'c', outcome: 'commit' });
    b.endInvoked(11, { id: 'c', outcome: 'commit' });
    history[10] = done({ id: 'c', outcome: 'commit' }, 'invoke');
    // The completion names nothing: id and outcome come from its invocation.
    b.endCompleted(done(null), 10, history);
    b.endInvoked(12, { id: 'timed-out', outcome: 'commit' });
    // A completion without an invocation ends the transaction there (endInvoke -1).
    b.endCompleted(done({ id: 'd', outcome: 'commit' }), -1, history);
    const { fates } = b.finish([], [], 0);
    expect(fates.map(({ id, outcome, endInvoke }) => ({ id, outcome, endInvoke }))).toEqual([
      { id: 'c', outcome: 'commit', endInvoke: 10 },
      { id: 'd', outcome: 'commit', endInvoke: -1 },
      { id: 'u', outcome: 'unknown', endInvoke: -1 },
      { id: 'timed-out', outcome: 'unknown', endInvoke: 12 },
    ]);
  });

  it('falls back to the outcome a send declared when no end-txn completed', () => {
    const b = new TransactionsBuilder();
    b.ofSend({ txn: { id: 'a' } });
    b.ofSend({ txn: { id: 'a', outcome: 'abort' } });
    b.endInvoked(3, { id: 'a', outcome: 'commit' });
    expect(b.finish([], [], 0).fates).toMatchObject([{ id: 'a', outcome: 'abort', endInvoke: 3, endDone: -1 }]);
  });

  it('marks the partitions transactional sends wrote to', () => {
    const b = new TransactionsBuilder();
    expect(b.finish([-1, 0, 0, -1], [0, 2, -1, 1], 4).partitions).toEqual([0, 0, 1, 0]);
  });

  it('records where the acknowledged end completed (the first ok one)', () => {
    const b = new TransactionsBuilder();
    b.ofSend({ txn: { id: 'a' } }, 1, 0);
    b.endInvoked(4, { id: 'a', outcome: 'commit' });
    b.endCompleted(done({ id: 'a', outcome: 'commit' }), -1, [], 6);
    b.endCompleted(done({ id: 'a', outcome: 'commit' }), -1, [], 9);
    expect(b.finish([], [], 0).fates).toMatchObject([{ id: 'a', outcome: 'commit', endInvoke: 4, endDone: 6 }]);
  });

  it('takes transactional id, producer id and epoch from txn-begin, and numbers sessions by transactional id, else by actor', () => {
    const b = new TransactionsBuilder();
    b.begin(0, 3, { id: 'a', transactionalId: 'tx-1' });
    b.begin(1, 3, { id: 'a', transactionalId: 'tx-1', producerId: 42, epoch: 2 }, true);
    // Same transactional id from another actor (a restarted producer): the same session.
    b.ofSend({ txn: { id: 'b', transactionalId: 'tx-1' } }, 5, 4);
    b.ofSend({ txn: { id: 'c' } }, 6, 4);
    b.ofSend({ txn: { id: 'd' } }, 7, 4);
    b.ofSend({ txn: { id: 'e' } }, 8, 5);
    b.begin(9, 5, { id: 'x' }); // no transactional id: ignored fields, a transaction still
    const { fates } = b.finish([], [], 0);
    expect(
      fates.map((f) => [f.id, f.transactionalId, f.producerId, f.epoch, f.session, f.first, f.begun, f.actor]),
    ).toEqual([
      ['a', 'tx-1', 42, 2, 0, 0, 1, 3],
      ['b', 'tx-1', -1, -1, 0, 5, -1, 4],
      ['c', null, -1, -1, 1, 6, -1, 4],
      ['d', null, -1, -1, 1, 7, -1, 4],
      ['e', null, -1, -1, 2, 8, -1, 5],
      ['x', null, -1, -1, 2, 9, -1, 5],
    ]);
  });

  it('notes polls made inside a transaction (from the completion, else the invocation)', () => {
    const b = new TransactionsBuilder();
    b.ofSend({ txn: { id: 'a' } }, 0, 0);
    b.polled(0, 1, 0, { records: [] }, { txn: { id: 'b' } });
    b.polled(1, 2, 0, { records: [] }, {});
    b.polled(2, 3, 0, { records: [], txn: { id: 'a' } }, undefined);
    const ix = b.finish([], [], 0);
    expect([ix.pollRows, ix.pollTxns]).toEqual([
      [0, 2],
      [1, 0],
    ]);
  });
});
