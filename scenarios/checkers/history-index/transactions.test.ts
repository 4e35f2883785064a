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
    expect(fates).toEqual([
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
    expect(b.finish([], [], 0).fates).toEqual([{ id: 'a', outcome: 'abort', endInvoke: 3 }]);
  });

  it('marks the partitions transactional sends wrote to', () => {
    const b = new TransactionsBuilder();
    expect(b.finish([-1, 0, 0, -1], [0, 2, -1, 1], 4).partitions).toEqual([0, 0, 1, 0]);
  });
});
