import { describe, expect, it } from 'vitest';
import { Builder, rec } from './test-support.ts';
import {
  checkLostCommittedWrites,
  checkTornTransactions,
  checkTxnDuplicates,
  checkUncommittedVisibility,
} from './txn-final.ts';

const a0 = rec(0, 'a0');
const a1 = rec(0, 'a1', 1);
const x0 = rec(1, 'x0');
const b0 = rec(2, 'b0');

/** a commits across two partitions, x aborts, b's commit times out (unknown outcome). */
const base = () =>
  new Builder()
    .txn('p', 'a', [a0, a1], 'commit')
    .txn('p', 'x', [x0], 'abort')
    .begin('p', 'b', 'tid-p')
    .txnSends('p', 'b', [b0])
    .endTxn('p', 'b', 'commit', 'info');

describe('txn-torn', () => {
  it('is unknown without a read_committed final read', () => {
    expect(checkTornTransactions(base().ops).valid).toBe('unknown');
  });

  it('passes whole transactions, and a transaction of unknown outcome wholly invisible', () => {
    expect(checkTornTransactions(base().txnFinal([a0, a1], [a0, a1, x0, b0]).ops)).toMatchObject({
      valid: true,
      count: 0,
    });
  });

  it('flags a committed transaction of which one partition is visible and the other not', () => {
    const r = checkTornTransactions(base().txnFinal([a0, b0], [a0, a1, x0, b0]).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ txn: 'a', acknowledged: 2, visible: 1, missing: [a1] });
  });
});

describe('txn-lost-write', () => {
  it('passes when every record of an acknowledged commit is visible', () => {
    expect(checkLostCommittedWrites(base().txnFinal([a0, a1], []).ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('flags records of an acknowledged commit missing from the final read (not those of an unknown outcome)', () => {
    const r = checkLostCommittedWrites(base().txnFinal([], [x0]).ops);
    expect(r).toMatchObject({ valid: false, count: 2 });
    expect(r.witnesses).toMatchObject([
      { txn: 'a', record: a0 },
      { txn: 'a', record: a1 },
    ]);
  });

  it('allows them where the configuration lets acknowledged writes go', () => {
    const r = checkLostCommittedWrites(base().txnFinal([], []).ops, { faults: true, minInsyncReplicas: 1 });
    expect(r).toMatchObject({ valid: true, allowed: true, count: 2 });
  });
});

describe('txn-duplicate', () => {
  it('passes records read once at their acknowledged offsets', () => {
    expect(checkTxnDuplicates(base().txnFinal([a0, a1], [a0, a1, x0]).ops)).toMatchObject({ valid: true, count: 0 });
  });

  it('flags a record read at two offsets, and one read away from its acknowledged offset', () => {
    const r = checkTxnDuplicates(base().txnFinal([a0, a1, { ...a0, offset: 3 }], [a0, a1, { ...x0, offset: 4 }]).ops);
    expect(r).toMatchObject({ valid: false, count: 2 });
    expect(r.witnesses.map((w) => (w as { why: string }).why)).toEqual([
      'read at two offsets',
      'read at another offset than acknowledged',
    ]);
  });
});

describe('txn-read-uncommitted', () => {
  it('is unknown without a read_uncommitted final read', () => {
    expect(checkUncommittedVisibility(base().final([a0, a1]).ops).valid).toBe('unknown');
  });

  it('passes when read_uncommitted shows every acknowledged record, aborted ones too', () => {
    const r = checkUncommittedVisibility(base().txnFinal([a0, a1], [a0, a1, x0, b0]).ops);
    expect(r).toMatchObject({ valid: true, count: 0 });
    expect(r.summary).toContain('1 of aborted transactions');
  });

  it('flags an aborted record read_uncommitted does not show', () => {
    const r = checkUncommittedVisibility(base().txnFinal([a0, a1], [a0, a1, b0]).ops);
    expect(r).toMatchObject({ valid: false, count: 1 });
    expect(r.witnesses[0]).toMatchObject({ txn: 'x', outcome: 'abort', record: x0 });
  });
});

describe('checkHistory', () => {
  it('runs the transactional checkers on histories in the txn-begin vocabulary only', async () => {
    const { checkHistory } = await import('./index.ts');
    const names = (b: Builder) => checkHistory(b.ops).map((r) => r.checker);
    const txn = names(base().txnFinal([a0, a1], [a0, a1, x0, b0]));
    expect(txn).toEqual(
      expect.arrayContaining([
        'txn-g0',
        'txn-g1a',
        'txn-g1b',
        'txn-g1c',
        'txn-precommitted-read',
        'txn-torn',
        'txn-lost-write',
        'txn-duplicate',
        'txn-read-uncommitted',
      ]),
    );
    expect(names(new Builder().send(0, a0).reads([a0])).filter((n) => n.startsWith('txn-'))).toEqual([]);
  });
});
