import { describe, expect, it } from 'vitest';
import { indexHistory } from './history-index.ts';
import { Builder, rec } from './test-support.ts';
import { checkFencing, fencedTransactions } from './txn-fencing.ts';

const z0 = rec(0, 'z0');
const z1 = rec(1, 'z1');
const s0 = rec(3, 's0');

/** The zombie begins t1 and writes z0; the successor takes the id over (begins t2); the zombie writes z1 and tries to commit. */
const takeover = (zombieAfter: 'fail' | 'ok' = 'fail') => {
  const b = new Builder().begin('zombie', 't1', 'X').txnSends('zombie', 't1', [z0], 'X').begin('successor', 't2', 'X');
  if (zombieAfter === 'ok') b.txnSends('zombie', 't1', [z1], 'X');
  else b.send('zombie', z1, 'fail', { txn: { id: 't1', transactionalId: 'X' } });
  b.op('zombie', 'end-txn', { id: 't1', outcome: 'commit' }, 'fail', { id: 't1', outcome: 'commit' });
  return b.txnSends('successor', 't2', [s0], 'X').endTxn('successor', 't2', 'commit');
};

describe('txn-fencing', () => {
  it('names the transactions a takeover fenced, not those whose end came first', () => {
    const ix = indexHistory(takeover().ops);
    expect(fencedTransactions(ix).map(({ fenced, by }) => [ix.txns.fates[fenced]!.id, ix.txns.fates[by]!.id])).toEqual([
      ['t1', 't2'],
    ]);
    const raced = new Builder()
      .begin('zombie', 't1', 'X')
      .txnSends('zombie', 't1', [z0], 'X')
      .endTxn('zombie', 't1', 'commit', 'info')
      .begin('successor', 't2', 'X');
    expect(fencedTransactions(indexHistory(raced.ops))).toEqual([]);
  });

  it('is valid with nothing to check without a takeover', () => {
    const b = new Builder().txn('p', 'a', [z0], 'commit', 'X').txn('p', 'b', [z1], 'commit', 'X');
    expect(checkFencing(b.ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('passes when nothing of the fenced transaction is visible', () => {
    expect(checkFencing(takeover().txnFinal([s0], [z0, s0]).ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('flags records of the fenced transaction visible to read_committed: before the takeover and after it', () => {
    const r = checkFencing(takeover('ok').txnFinal([z0, z1, s0], []).ops);
    expect(r).toMatchObject({ valid: false, count: 2 });
    expect(r.witnesses[0]).toMatchObject({ txn: 't1', fencedBy: 't2', record: z0 });
  });
});
